import { Subject } from 'rxjs';
import { CommandRejectedError, DeviceTimeoutError, ProtocolError } from './errors';
import type { CommandHandle, CommandResult } from './link';
import type { Ack, Command, DataFrame, Progress, ResultMsg } from './messages';

const DATA_GRACE_MS = 2000;

/**
 * The orchestrator-side state of one command in flight, shared by every transport: it turns the
 * ack / progress / data / result messages into a CommandHandle and enforces the deadlines.
 */
export class PendingCommand implements CommandHandle {
  readonly cmdId: string;
  readonly accepted: Promise<Ack>;
  readonly result: Promise<CommandResult>;
  readonly progress$ = new Subject<Progress>();

  private resolveAck!: (ack: Ack) => void;
  private rejectAck!: (error: Error) => void;
  private resolveResult!: (result: CommandResult) => void;
  private rejectResult!: (error: Error) => void;
  private readonly frames = new Map<string, DataFrame>();
  private waitingResult?: ResultMsg;
  private readonly timers: NodeJS.Timeout[] = [];
  private acked = false;
  private settled = false;

  constructor(
    readonly command: Command,
    ackTimeoutMs: number,
    private readonly onSettled: (cmdId: string) => void,
    nowMs = Date.now(),
  ) {
    this.cmdId = command.cmdId;
    this.accepted = new Promise((resolve, reject) => {
      this.resolveAck = resolve;
      this.rejectAck = reject;
    });
    this.result = new Promise((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    // A caller may await only one of the two (or neither, for fire-and-forget control commands);
    // an unobserved rejection must not crash the process. Awaiting callers still see it.
    this.accepted.catch(() => undefined);
    this.result.catch(() => undefined);
    const resultWaitMs = Math.max(0, command.deadlineMs - nowMs);
    const ackWaitMs = Math.min(ackTimeoutMs, resultWaitMs);
    this.timers.push(
      setTimeout(() => !this.acked && this.fail(new DeviceTimeoutError(this.cmdId, 'ack', ackWaitMs)), ackWaitMs),
      setTimeout(() => this.fail(new DeviceTimeoutError(this.cmdId, 'result', resultWaitMs)), resultWaitMs),
    );
  }

  onAck(ack: Ack): void {
    if (this.acked || this.settled) return;
    if (ack.accepted) {
      this.acked = true;
      this.resolveAck(ack);
      return;
    }
    const reason = ack.reason ?? { code: 'validation' as const, message: 'rejected without a reason' };
    this.fail(new CommandRejectedError(this.cmdId, reason.code, reason.message, reason.field));
  }

  onProgress(progress: Progress): void {
    if (!this.settled) this.progress$.next(progress);
  }

  onData(frame: DataFrame): void {
    if (this.settled) return;
    this.frames.set(frame.header.dataId, frame);
    if (this.waitingResult) this.tryComplete(this.waitingResult);
  }

  onResult(result: ResultMsg): void {
    if (this.settled) return;
    // A result implies acceptance even when the ack was lost.
    if (!this.acked) this.onAck({ v: result.v, cmdId: result.cmdId, accepted: true });
    this.waitingResult = result;
    if (!this.tryComplete(result)) {
      this.timers.push(
        setTimeout(() => {
          const missing = (result.dataIds ?? []).filter((id) => !this.frames.has(id));
          this.fail(new ProtocolError(`command ${this.cmdId}: result names data frames that never arrived: ${missing.join(', ')}`));
        }, DATA_GRACE_MS),
      );
    }
  }

  fail(error: Error): void {
    if (this.settled) return;
    if (!this.acked) {
      this.acked = true;
      this.rejectAck(error);
    }
    this.settle();
    this.rejectResult(error);
  }

  private tryComplete(result: ResultMsg): boolean {
    const ids = result.dataIds ?? [];
    if (!ids.every((id) => this.frames.has(id))) return false;
    this.settle();
    this.resolveResult({ ...result, data: ids.map((id) => this.frames.get(id) as DataFrame) });
    return true;
  }

  private settle(): void {
    this.settled = true;
    this.timers.forEach(clearTimeout);
    this.progress$.complete();
    this.onSettled(this.cmdId);
  }
}
