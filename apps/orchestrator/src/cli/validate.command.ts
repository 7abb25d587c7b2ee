import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, type ConfigIssue, formatIssue, type LabConfig, loadLab, validateFiles } from '@lab/config';
import { DEFAULT_LAB_FILE } from './options';

/** `lab validate <files...>`: every problem as file:line:col field.path: message; exit 1 if any. */
export function validateCommand(files: string[], flags: { lab?: string }): number {
  let lab: LabConfig | undefined;
  const labFile = resolve(flags.lab ?? DEFAULT_LAB_FILE);
  const issues: ConfigIssue[] = [];
  if (existsSync(labFile)) {
    try {
      lab = loadLab(labFile).config;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues.push(...error.issues);
    }
  }
  issues.push(...validateFiles(files, lab).filter((i) => !issues.some((seen) => formatIssue(seen) === formatIssue(i))));
  for (const issue of issues) process.stdout.write(`${formatIssue(issue)}\n`);
  if (issues.length === 0) process.stdout.write(`${files.length} file(s) valid\n`);
  return issues.length === 0 ? 0 : 1;
}
