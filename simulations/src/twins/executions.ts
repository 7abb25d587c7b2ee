import type { JsonObject, Outcome } from '../wire/messages';
import { ActionFailure } from './action';
import { READ_ONLY_ACTIONS } from './control.actions';
import type { Ledger, LedgerEntry } from './ledger';
import type { KeptFrame } from './run-context';
import type { CommandMsg } from './validation';

/** Why a running command was stopped from outside. */
export interface StopReason {
  status: 'cancelled' | 'failed';
  code: string;
  message: string;
}

/** One accepted command, shared by every later command with the same idempotency key. */
export interface Execution {
  readonly cmdId: string;
  readonly idempotencyKey: string;
  readonly abort: AbortController;
  stop?: StopReason;
  outcome?: Outcome;
  /** Data frames of a succeeded command, replayed to duplicates. */
  frames: KeptFrame[];
  readonly done: Promise<Outcome>;
}

/** How long a finished command is remembered: the protocol's 24 hours, and a margin. */
export const RETENTION_MS = 25 * 3_600_000;

/**
 * What an instrument remembers about commands: by idempotency key (so a key never runs twice) and
 * by cmdId (for cancel and query). A finished command is forgotten RETENTION_MS after it ended,
 * with the data frames kept for its duplicates, so a twin that runs for weeks does not hold every
 * image it ever took.
 */
export class ExecutionBook {
  private readonly byKey = new Map<string, Execution>();
  private readonly byCmdId = new Map<string, Execution>();
  private readonly entries = new Map<Execution, { entry: LedgerEntry; settle: (outcome: Outcome) => void }>();
  /** Finished executions, oldest end first. */
  private readonly finished: { execution: Execution; endedAtMs: number }[] = [];
  /** The cmdIds of duplicates that answer for an execution, besides its own. */
  private readonly aliases = new Map<Execution, string[]>();

  constructor(
    private readonly instrumentId: string,
    private readonly ledger: Ledger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The earlier execution a command repeats, if its key was seen (read-only actions always run afresh). */
  priorOf(command: CommandMsg): Execution | undefined {
    return READ_ONLY_ACTIONS.has(command.action) ? undefined : this.byKey.get(command.idempotencyKey);
  }

  get(cmdId: string): Execution | undefined {
    return this.byCmdId.get(cmdId);
  }

  /** A duplicate's cmdId answers for the execution it repeats. */
  alias(cmdId: string, execution: Execution): void {
    this.byCmdId.set(cmdId, execution);
    this.aliases.set(execution, [...(this.aliases.get(execution) ?? []), cmdId]);
  }

  begin(command: CommandMsg): Execution {
    this.forgetOld();
    let settle: (outcome: Outcome) => void = () => undefined;
    const done = new Promise<Outcome>((resolve) => (settle = resolve));
    const execution: Execution = { cmdId: command.cmdId, idempotencyKey: command.idempotencyKey, abort: new AbortController(), frames: [], done };
    const entry: LedgerEntry = {
      instrumentId: this.instrumentId,
      cmdId: command.cmdId,
      idempotencyKey: command.idempotencyKey,
      action: command.action,
      params: command.params,
      startedAtMs: Date.now(),
      status: 'running',
    };
    if (!READ_ONLY_ACTIONS.has(command.action)) this.byKey.set(command.idempotencyKey, execution);
    this.byCmdId.set(command.cmdId, execution);
    this.entries.set(execution, { entry, settle });
    this.ledger.started(entry);
    return execution;
  }

  finish(execution: Execution, outcome: Outcome): void {
    execution.outcome = outcome;
    const record = this.entries.get(execution);
    if (!record) return;
    this.entries.delete(execution);
    Object.assign(record.entry, { status: outcome.status, outputs: outcome.outputs, errorCode: outcome.error?.code, finishedAtMs: outcome.finishedAtMs });
    this.ledger.finished(record.entry);
    this.finished.push({ execution, endedAtMs: this.now() });
    record.settle(outcome);
  }

  /** Drop what ended more than RETENTION_MS ago: its key may run again, its cmdIds answer unknown. */
  private forgetOld(): void {
    const cutoff = this.now() - RETENTION_MS;
    let n = 0;
    while (n < this.finished.length && this.finished[n].endedAtMs < cutoff) n++;
    if (n === 0) return;
    for (const { execution } of this.finished.splice(0, n)) {
      // A later command under the same key (a read-only action never shares one) is not this one's to drop.
      if (this.byKey.get(execution.idempotencyKey) === execution) this.byKey.delete(execution.idempotencyKey);
      for (const cmdId of [execution.cmdId, ...(this.aliases.get(execution) ?? [])]) if (this.byCmdId.get(cmdId) === execution) this.byCmdId.delete(cmdId);
      this.aliases.delete(execution);
    }
  }

  /** The `query` answer: running, a terminal status with its result, or unknown. */
  query(cmdIds: string[]): JsonObject {
    const commands: JsonObject = {};
    for (const cmdId of cmdIds) {
      const execution = this.byCmdId.get(cmdId);
      const outcome = execution?.outcome;
      commands[cmdId] = !execution
        ? { status: 'unknown' }
        : outcome
          ? { status: outcome.status, idempotencyKey: execution.idempotencyKey, result: { v: 1, cmdId, ...outcome } }
          : { status: 'running', idempotencyKey: execution.idempotencyKey };
    }
    return { commands };
  }
}

/** How a command ended when its run threw: stopped from outside, failed on purpose, or a bug. */
export function outcomeOf(error: unknown, stop: StopReason | undefined): Outcome {
  const finishedAtMs = Date.now();
  if (stop) return { status: stop.status, error: { code: stop.code, message: stop.message }, finishedAtMs };
  if (error instanceof ActionFailure) return { status: 'failed', error: { code: error.code, message: error.message }, finishedAtMs };
  return { status: 'failed', error: { code: 'internal', message: error instanceof Error ? error.message : String(error) }, finishedAtMs };
}
