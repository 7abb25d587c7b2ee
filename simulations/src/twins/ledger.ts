import { appendFileSync } from 'node:fs';
import type { JsonObject, TerminalStatus } from '../wire/messages';

/** One command an instrument actually executed (duplicates and rejections never appear). */
export interface LedgerEntry {
  instrumentId: string;
  cmdId: string;
  idempotencyKey: string;
  action: string;
  params: JsonObject;
  startedAtMs: number;
  status: 'running' | TerminalStatus;
  outputs?: JsonObject;
  errorCode?: string;
  finishedAtMs?: number;
}

/**
 * Every executed command of the lab, in start order. With a path, each start and each end is
 * appended as a JSON line (the last line for a cmdId is its latest state), so a checker in
 * another process can verify that no command ran twice.
 */
export class Ledger {
  private readonly entries: LedgerEntry[] = [];

  constructor(private readonly path?: string) {}

  started(entry: LedgerEntry): void {
    this.entries.push(entry);
    this.append(entry);
  }

  finished(entry: LedgerEntry): void {
    this.append(entry);
  }

  list(instrumentId?: string): LedgerEntry[] {
    return this.entries.filter((e) => instrumentId === undefined || e.instrumentId === instrumentId).map((e) => ({ ...e }));
  }

  private append(entry: LedgerEntry): void {
    if (this.path) appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
  }
}
