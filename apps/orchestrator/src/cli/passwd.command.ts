import { roleSchema } from '@lab/config';
import { hashPassword } from '../auth/passwords';

/** `lab passwd <name> --role R`: read a password from stdin and print the lab.yaml entry for the user. */
export async function passwdCommand(name: string, flags: { role: string }): Promise<void> {
  const role = roleSchema.safeParse(flags.role);
  if (!role.success) throw new Error(`--role must be one of ${roleSchema.options.join(', ')}, got '${flags.role}'`);
  const chunks: Buffer[] = [];
  if (process.stdin.isTTY) process.stderr.write(`password for ${name}: `);
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (process.stdin.isTTY && chunks.join('').includes('\n')) break;
  }
  const password = Buffer.concat(chunks).toString('utf8').split('\n')[0];
  if (password.length < 8) throw new Error('a password needs at least 8 characters');
  const hash = await hashPassword(password);
  process.stdout.write(`# under auth.users in config/lab.yaml:\n- { name: ${name}, role: ${flags.role}, passwordHash: "${hash}" }\n`);
}
