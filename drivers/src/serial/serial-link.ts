import { BehaviorSubject, type Observable, ReplaySubject } from 'rxjs';
import { SerialPort } from 'serialport';
import { decodeDataFrame } from '../codec/data-frame';
import { decodeAck, decodeProgress, decodeResult, decodeStatus } from '../codec/messages.codec';
import { LinkClosedError } from '../errors';
import type { CommandHandle, InstrumentLink, LinkState } from '../link';
import { type Command, PROTOCOL_VERSION, type StatusMsg } from '../messages';
import { PendingCommand } from '../pending-command';
import { decodeLine, encodeLine, LineBuffer } from './line-codec';

export interface SerialLinkOptions {
  instrumentId: string;
  /** Device path, e.g. /dev/ttyUSB0. */
  path: string;
  /** Default 115200 (8N1). */
  baudRate?: number;
  /** The device's status period; three silent periods count as a lost line (default 2). */
  heartbeatS?: number;
  /** How long an ack may take before the command fails with DeviceTimeoutError (default 2000). */
  ackTimeoutMs?: number;
  /** Reopen delays after the line is lost: initialMs doubling up to maxMs (defaults 250 and 5000). */
  reconnect?: { initialMs?: number; maxMs?: number };
  /** Unreadable lines, NAKs and reconnects, for the log; the link never throws on them. */
  onWarning?: (warning: string) => void;
}

/** How often to resend a command line the device answered with NAK. */
const MAX_RESENDS = 2;

/**
 * The orchestrator's end of an instrument on a serial line (docs/protocol.md, "Serial dialect"):
 * CRC-framed lines, commands correlated by cmdId, DATA frames attached to their result, status
 * replayed to late subscribers, and the port reopened with backoff when it closes or goes silent.
 */
export class SerialLink implements InstrumentLink {
  readonly instrumentId: string;
  /** Lines that could not be read (bad checksum, unknown keyword, malformed body). */
  garbageLines = 0;
  /** The device's `IDN` answer, once heard. */
  identity?: string;

  private readonly status = new ReplaySubject<StatusMsg>(1);
  private readonly state = new BehaviorSubject<LinkState>('connecting');
  private readonly pending = new Map<string, PendingCommand>();
  /** The CMD line of every command still waiting for its result. */
  private readonly unanswered = new Map<string, Buffer>();
  /** Commands written to the device since it was last heard; the rest go out when it is heard again. */
  private readonly delivered = new Set<string>();
  private port?: SerialPort;
  private lines = new LineBuffer();
  private lastHeardMs = 0;
  private retryMs: number;
  private reopenTimer?: NodeJS.Timeout;
  private readonly watchdog: NodeJS.Timeout;
  private lastCommandLine?: { cmdId: string; line: Buffer; resends: number };
  private closed = false;

  constructor(private readonly options: SerialLinkOptions) {
    this.instrumentId = options.instrumentId;
    this.retryMs = options.reconnect?.initialMs ?? 250;
    this.status.next(offlineStatus(this.instrumentId, 'no status yet'));
    const heartbeatMs = (options.heartbeatS ?? 2) * 1000;
    this.watchdog = setInterval(() => {
      if (!this.port || this.state.value !== 'connected') return;
      const silentMs = Date.now() - this.lastHeardMs;
      if (silentMs > 3 * heartbeatMs) return this.lineLost(`no message for ${3 * heartbeatMs} ms`);
      // A missed heartbeat: probe. Writing is what reveals a vanished port (a read-only port never errors).
      if (silentMs > 1.5 * heartbeatMs) this.write(encodeLine('*IDN?'));
    }, Math.max(50, heartbeatMs / 2));
    this.watchdog.unref();
    void this.open();
  }

  get status$(): Observable<StatusMsg> {
    return this.status.asObservable();
  }

  get state$(): Observable<LinkState> {
    return this.state.asObservable();
  }

  send(command: Command): CommandHandle {
    const pending = new PendingCommand(command, this.options.ackTimeoutMs ?? 2000, (cmdId) => {
      this.pending.delete(cmdId);
      this.unanswered.delete(cmdId);
      this.delivered.delete(cmdId);
    });
    if (this.closed) {
      pending.fail(new LinkClosedError(`serial link to ${this.instrumentId} is closed`));
      return pending;
    }
    this.pending.set(command.cmdId, pending);
    const line = encodeLine(`CMD ${JSON.stringify({ ...command, v: PROTOCOL_VERSION })}`);
    this.lastCommandLine = { cmdId: command.cmdId, line, resends: 0 };
    this.unanswered.set(command.cmdId, line);
    // Written only to a device that is heard: bytes written before it has its end open are lost.
    // Until then the command waits here, and its ack deadline keeps running.
    if (this.state.value === 'connected') this.deliver(command.cmdId, line);
    return pending;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    clearTimeout(this.reopenTimer);
    for (const pending of [...this.pending.values()]) pending.fail(new LinkClosedError(`serial link to ${this.instrumentId} closed`));
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.state.next('closed');
    this.state.complete();
    this.status.complete();
  }

  private async open(): Promise<void> {
    if (this.closed) return;
    this.state.next('connecting');
    const port = new SerialPort({ path: this.options.path, baudRate: this.options.baudRate ?? 115200, autoOpen: false });
    try {
      await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    } catch (error) {
      this.warn(`cannot open ${this.options.path}: ${(error as Error).message}`);
      return this.scheduleReopen();
    }
    if (this.closed) return void port.close();
    this.port = port;
    this.lines = new LineBuffer();
    port.on('data', (chunk: Buffer) => this.lines.push(chunk).forEach((line) => this.onLine(line)));
    port.on('error', (error) => this.warn(`serial error: ${error.message}`));
    port.on('close', () => this.port === port && this.lineLost('port closed'));
    // The device answers the probe as soon as it listens; commands go out once it is heard.
    port.write(encodeLine('*IDN?'));
  }

  /** The line is gone (closed or silent): release the port and reopen with backoff. */
  private lineLost(why: string): void {
    if (this.closed) return;
    this.warn(`line to ${this.instrumentId} lost (${why}); reopening`);
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) port.close(() => undefined);
    this.state.next('disconnected');
    // Commands in flight go out again once the device is heard: a result it sent into the dead line
    // is lost, and their idempotency keys make it answer with the first result rather than run twice.
    this.delivered.clear();
    this.status.next(offlineStatus(this.instrumentId, why));
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    if (this.closed) return;
    clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => void this.open(), this.retryMs);
    this.reopenTimer.unref();
    this.retryMs = Math.min(this.options.reconnect?.maxMs ?? 5000, this.retryMs * 2);
  }

  private onLine(line: string): void {
    const decoded = decodeLine(line);
    if (!decoded.ok) return this.unreadable(decoded.reason, line);
    this.lastHeardMs = Date.now();
    if (this.state.value !== 'connected') {
      this.state.next('connected');
      this.retryMs = this.options.reconnect?.initialMs ?? 250;
      for (const [cmdId, pendingLine] of this.unanswered) if (!this.delivered.has(cmdId)) this.deliver(cmdId, pendingLine);
    }
    try {
      this.dispatch(decoded.keyword, decoded.rest);
    } catch (error) {
      this.unreadable((error as Error).message, line);
    }
  }

  private dispatch(keyword: string, rest: string): void {
    switch (keyword) {
      case 'STAT':
        return this.status.next(decodeStatus(rest));
      case 'ACK': {
        const ack = decodeAck(rest);
        return this.pending.get(ack.cmdId)?.onAck(ack);
      }
      case 'PROG': {
        const progress = decodeProgress(rest);
        return this.pending.get(progress.cmdId)?.onProgress(progress);
      }
      case 'RES': {
        const result = decodeResult(rest);
        return this.pending.get(result.cmdId)?.onResult(result);
      }
      case 'DATA': {
        const frame = decodeDataFrame(Buffer.from(rest, 'base64'));
        return this.pending.get(frame.header.cmdId)?.onData(frame);
      }
      case 'IDN':
        this.identity = rest;
        return;
      case 'NAK':
        return this.onNak(rest);
      default:
        throw new Error(`unknown keyword ${keyword}`);
    }
  }

  /** The device could not read our last line: resend the last command if it is still unanswered (idempotent by key). */
  private onNak(reason: string): void {
    this.warn(`${this.instrumentId} answered NAK: ${reason}`);
    const last = this.lastCommandLine;
    if (last && last.resends < MAX_RESENDS && this.pending.has(last.cmdId)) {
      last.resends++;
      this.write(last.line);
    }
  }

  private unreadable(reason: string, line: string): void {
    this.garbageLines++;
    this.warn(`unreadable line from ${this.instrumentId} (${reason}): ${line.slice(0, 80)}`);
    this.write(encodeLine(`NAK ${reason}`));
  }

  private deliver(cmdId: string, line: Buffer): void {
    this.delivered.add(cmdId);
    this.write(line);
  }

  /** Lines for a closed port are dropped: commands are resent when the device is heard again, probes and NAKs mean nothing on a dead line. */
  private write(line: Buffer): void {
    if (this.port?.isOpen) this.port.write(line);
  }

  private warn(message: string): void {
    this.options.onWarning?.(message);
  }
}

function offlineStatus(instrumentId: string, reason: string): StatusMsg {
  return { v: PROTOCOL_VERSION, instrumentId, online: false, state: 'offline', ready: false, reasons: ['offline', reason] };
}
