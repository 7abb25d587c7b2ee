import { resolve } from 'node:path';
import { type LabConfig, type Loaded, loadLab, readEnv } from '@lab/config';
import type { RuntimeOptions } from '../runtime/lab-runtime';

export interface CommonFlags {
  lab?: string;
  broker?: string;
  db?: string;
}

export const DEFAULT_LAB_FILE = 'config/lab.yaml';

/** `--db` takes a database URL or a plain SQLite file path. */
export function databaseUrl(db: string | undefined): string | undefined {
  if (!db) return undefined;
  return /^(sqlite:|postgres(ql)?:\/\/)/.test(db) ? db : `sqlite:${resolve(db)}`;
}

/** The lab file and runtime options from flags, then the environment, then the lab file itself. */
export function runtimeOptions(flags: CommonFlags, log: (line: string) => void): RuntimeOptions & { lab: Loaded<LabConfig>; port?: number } {
  const env = readEnv();
  const baseDir = process.cwd();
  const lab = loadLab(resolve(baseDir, flags.lab ?? env.labFile ?? DEFAULT_LAB_FILE));
  return {
    lab,
    baseDir,
    brokerUrl: flags.broker ?? env.brokerUrl,
    mqttUsername: env.mqttUsername,
    mqttPassword: env.mqttPassword,
    databaseUrl: databaseUrl(flags.db) ?? env.databaseUrl,
    port: env.port,
    authSecret: env.authSecret,
    extraUsers: env.users,
    log,
  };
}

export function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got '${value}'`);
  return seed;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got '${value}'`);
  return port;
}
