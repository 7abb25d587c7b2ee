import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerEntry } from '@lab/simulations';

/** The digital twins in a process of their own (`lab sim`), as instruments on their own computers. */
export interface TwinsProcess {
  /** What the twins executed (from their ledger file), the latest state of each command; empty without a ledger. */
  ledger(): LedgerEntry[];
  stop(): Promise<void>;
}

export async function startTwinsProcess(root: string, labFile: string, brokerUrl: string, options: { seed?: number; ledgerPath?: string } = {}): Promise<TwinsProcess> {
  const args = [join(root, 'bin/lab.js'), 'sim', '--lab', labFile, '--broker', brokerUrl];
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.ledgerPath) args.push('--ledger', options.ledgerPath);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // What it says on stderr (its shutdown notice, say) matters only when it fails.
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('online') && resolve());
    child.once('exit', (code) => reject(new Error(`lab sim exited with ${code}: ${stderr.trim()}`)));
  });
  return {
    ledger: () => {
      if (!options.ledgerPath) return [];
      const latest = new Map<string, LedgerEntry>();
      for (const line of readFileSync(options.ledgerPath, 'utf8').split('\n')) if (line) {
        const entry = JSON.parse(line) as LedgerEntry;
        latest.set(entry.cmdId, entry);
      }
      return [...latest.values()].sort((a, b) => a.startedAtMs - b.startedAtMs);
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    },
  };
}
