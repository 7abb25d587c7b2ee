import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { table } from '../planners/stats';

/** Where and when a benchmark ran: every results file starts with this. */
export const runContext = (benchmark: string, command: string): Record<string, unknown> => ({
  benchmark,
  at: new Date().toISOString(),
  machine: { cores: cpus().length, node: process.version },
  command,
});

/** Write the results JSON, then print it (with --json) or as a table. */
export function report(outFile: string, result: object, json: boolean, header: string[], rows: string[][]): void {
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(json ? JSON.stringify(result) : table(header, rows));
}
