import { readFileSync } from 'node:fs';
import { isCollection, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error';

/** A parsed YAML file that can point at the line and column of any field path. */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly text: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  static read(file: string): YamlSource {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError([{ file, line: 1, col: 1, path: [], message: `cannot read: ${(error as Error).message}` }]);
    }
    return YamlSource.parse(file, text);
  }

  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(
        doc.errors.map((e) => {
          const pos = lines.linePos(e.pos[0]);
          return { file, line: pos.line, col: pos.col, path: [], message: `YAML: ${e.message.split('\n')[0]}` };
        }),
      );
    }
    return new YamlSource(file, text, doc, lines);
  }

  get data(): unknown {
    try {
      return this.doc.toJS();
    } catch (error) {
      // e.g. an alias (*name) with no anchor: a YAML problem, located at the document start.
      throw new ConfigError([{ file: this.file, line: 1, col: 1, path: [], message: `YAML: ${(error as Error).message}` }]);
    }
  }

  /** The position of the deepest node that exists along `path` (a missing field points at its parent). */
  locate(path: (string | number)[], message: string): ConfigIssue {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      const range = (node as { range?: [number, number, number] } | null)?.range;
      if (range) {
        // For a map entry point at its key, where the eye looks.
        const offset = depth > 0 && depth === path.length ? this.keyOffset(path) ?? range[0] : range[0];
        const pos = this.lines.linePos(offset);
        return { file: this.file, line: pos.line, col: pos.col, path, message };
      }
    }
    return { file: this.file, line: 1, col: 1, path, message };
  }

  /** Validate against a schema and cross-field checks; every issue becomes a located ConfigIssue. */
  validate<T>(schema: z.ZodType<T>, semantic: (data: unknown) => { path: (string | number)[]; message: string }[]): { value?: T; issues: ConfigIssue[] } {
    const data = this.data;
    const parsed = schema.safeParse(data);
    const structural = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message }));
    const seen = new Set(structural.map((i) => i.path.join('.')));
    const all = [...structural, ...semantic(data).filter((i) => !seen.has(i.path.join('.')))];
    const issues = all.map((i) => this.locate(i.path, i.message)).sort((a, b) => a.line - b.line || a.col - b.col);
    return { value: parsed.success && issues.length === 0 ? parsed.data : undefined, issues };
  }

  private keyOffset(path: (string | number)[]): number | undefined {
    const parent = path.length === 1 ? this.doc.contents : this.doc.getIn(path.slice(0, -1), true);
    if (!isCollection(parent)) return undefined;
    const last = path[path.length - 1];
    const pair = (parent.items as { key?: { value?: unknown; range?: [number, number, number] } }[]).find(
      (item) => item.key?.value === last,
    );
    return pair?.key?.range?.[0];
  }
}
