/**
 * The only place that reads the environment. Variables override lab.yaml so a deployment can
 * point at its own broker and database without editing files.
 */
export interface EnvOverrides {
  brokerUrl?: string;
  mqttUsername?: string;
  mqttPassword?: string;
  databaseUrl?: string;
  port?: number;
  labFile?: string;
  /** Signs dashboard sessions; random per start when absent (sessions end with the process). */
  authSecret?: string;
  /** Extra users as `name:role:scrypt-hash` separated by commas. */
  users?: { name: string; role: string; passwordHash: string }[];
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvOverrides {
  const port = env.LAB_PORT ? Number(env.LAB_PORT) : undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new Error(`LAB_PORT must be a port number, got '${env.LAB_PORT}'`);
  }
  return {
    brokerUrl: env.LAB_BROKER_URL || undefined,
    mqttUsername: env.LAB_MQTT_USERNAME || undefined,
    mqttPassword: env.LAB_MQTT_PASSWORD || undefined,
    databaseUrl: env.LAB_DATABASE_URL || undefined,
    port,
    labFile: env.LAB_FILE || undefined,
    authSecret: env.LAB_AUTH_SECRET || undefined,
    users: env.LAB_USERS ? env.LAB_USERS.split(',').map(parseUser) : undefined,
  };
}

function parseUser(entry: string): { name: string; role: string; passwordHash: string } {
  const [name, role, ...hash] = entry.trim().split(':');
  if (!name || !role || hash.length === 0) throw new Error(`LAB_USERS entries are name:role:passwordHash, got '${entry}'`);
  return { name, role, passwordHash: hash.join(':') };
}
