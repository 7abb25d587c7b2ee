import type { ColumnOptions } from 'typeorm';

/** Epoch milliseconds as a double: the same type and precision on SQLite and PostgreSQL. */
export const epochMs = (options: ColumnOptions = {}): ColumnOptions => ({
  type: 'double precision',
  transformer: { to: (v?: number | null) => v, from: (v: string | number | null) => (v === null ? null : Number(v)) },
  ...options,
});

/** JSON kept as text so SQLite and PostgreSQL store it alike. */
export const json = (options: ColumnOptions = {}): ColumnOptions => ({ type: 'simple-json', ...options });

/** A JSON object as stored; `{}` (any non-null value) keeps TypeORM's deep partial types shallow. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type JsonRecord = Record<string, {} | null>;
