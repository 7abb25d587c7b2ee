import type { MqttClient } from 'mqtt';
import { BehaviorSubject, type Observable, ReplaySubject, type Subscription } from 'rxjs';
import { decodeDataFrame } from '../codec/data-frame';
import { decodeAck, decodeProgress, decodeResult, decodeStatus } from '../codec/messages.codec';
import { LinkClosedError } from '../errors';
import type { CommandHandle, InstrumentLink, LinkState } from '../link';
import { type Command, PROTOCOL_VERSION, type StatusMsg } from '../messages';
import { PendingCommand } from '../pending-command';
import { type Channel, topicOf } from './topics';

export interface MqttLinkOptions {
  /** How long an ack may take before the command fails with a timeout. */
  ackTimeoutMs?: number;
  /** Without a status message for this long the instrument counts as offline (three heartbeats). */
  silenceMs?: number;
}

/** One instrument reached through the shared MqttBus. */
export class MqttLink implements InstrumentLink {
  private readonly pending = new Map<string, PendingCommand>();
  private readonly status = new ReplaySubject<StatusMsg>(1);
  private readonly watchdog: NodeJS.Timeout;
  private lastStatusAtMs = 0;
  private online = false;
  private closed = false;
  private readonly reconnects: Subscription;

  constructor(
    readonly instrumentId: string,
    private readonly client: MqttClient,
    private readonly busState: BehaviorSubject<LinkState>,
    private readonly options: MqttLinkOptions,
    private readonly onClose: () => void,
  ) {
    this.status.next(offlineStatus(instrumentId, 'no status yet'));
    const silenceMs = options.silenceMs ?? 6000;
    this.watchdog = setInterval(() => {
      if (this.online && Date.now() - this.lastStatusAtMs > silenceMs) {
        this.online = false;
        this.status.next(offlineStatus(instrumentId, 'heartbeat missed'));
      }
    }, Math.max(100, silenceMs / 4));
    this.watchdog.unref();
    // After the bus comes back, send what is still in flight again (same id and key): if the
    // broker lost the result while we were away, the instrument replays it; nothing runs twice.
    let wasDown = false;
    this.reconnects = busState.subscribe((state) => {
      if (state === 'disconnected') wasDown = true;
      if (state === 'connected' && wasDown) {
        wasDown = false;
        for (const pending of this.pending.values()) this.publish(pending.command);
      }
    });
  }

  get status$(): Observable<StatusMsg> {
    return this.status.asObservable();
  }

  get state$(): Observable<LinkState> {
    return this.busState.asObservable();
  }

  send(command: Command): CommandHandle {
    const pending = new PendingCommand(command, this.options.ackTimeoutMs ?? 2000, (id) => this.pending.delete(id));
    if (this.closed) {
      pending.fail(new LinkClosedError(`link to ${this.instrumentId} is closed`));
      return pending;
    }
    this.pending.set(command.cmdId, pending);
    this.publish(command);
    return pending;
  }

  private publish(command: Command): void {
    // mqtt.js queues QoS 1 publishes while disconnected and sends them on reconnect.
    this.client.publish(topicOf(this.instrumentId, 'cmd'), JSON.stringify({ ...command, v: PROTOCOL_VERSION }), { qos: 1 });
  }

  /** Called by the bus for every message on this instrument's topics; throws ProtocolError on garbage. */
  receive(channel: Channel, payload: Buffer): void {
    switch (channel) {
      case 'status': {
        const status = decodeStatus(payload.toString('utf8'));
        this.online = status.online;
        this.lastStatusAtMs = Date.now();
        this.status.next(status);
        return;
      }
      case 'ack': {
        const ack = decodeAck(payload.toString('utf8'));
        this.pending.get(ack.cmdId)?.onAck(ack);
        return;
      }
      case 'progress': {
        const progress = decodeProgress(payload.toString('utf8'));
        this.pending.get(progress.cmdId)?.onProgress(progress);
        return;
      }
      case 'result': {
        const result = decodeResult(payload.toString('utf8'));
        this.pending.get(result.cmdId)?.onResult(result);
        return;
      }
      case 'data': {
        const frame = decodeDataFrame(payload);
        this.pending.get(frame.header.cmdId)?.onData(frame);
        return;
      }
      case 'cmd':
        return;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    this.reconnects.unsubscribe();
    for (const pending of [...this.pending.values()]) pending.fail(new LinkClosedError(`link to ${this.instrumentId} closed`));
    this.status.complete();
    this.onClose();
  }
}

function offlineStatus(instrumentId: string, reason: string): StatusMsg {
  return { v: PROTOCOL_VERSION, instrumentId, online: false, state: 'offline', ready: false, reasons: ['offline', reason] };
}
