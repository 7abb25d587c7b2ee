/** One problem in a config file, located for an editor: `file:line:col field.path: message`. */
export interface ConfigIssue {
  file: string;
  line: number;
  col: number;
  path: (string | number)[];
  message: string;
}

export const formatIssue = (i: ConfigIssue): string =>
  `${i.file}:${i.line}:${i.col} ${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`;

/** A config file that cannot be used; carries every issue found, not only the first. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}
