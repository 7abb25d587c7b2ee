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

/**
 * What an instrument remembers about commands: by idempotency key (so a key never runs twice) and
 * by cmdId (for cancel and query). Kept for the twin's lifetime, beyond the protocol's 24 hours.
 */
export class ExecutionBook {
  private readonly byKey = new Map<string, Execution>();
  private readonly byCmdId = new Map<string, Execution>();
  private readonly entries = new Map<Execution, { entry: LedgerEntry; settle: (outcome: Outcome) => void }>();

  constructor(
    private readonly instrumentId: string,
    private readonly ledger: Ledger,
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
  }

  begin(command: CommandMsg): Execution {
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
    record.settle(outcome);
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
