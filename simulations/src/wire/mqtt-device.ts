import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import type { DeviceWire, WireHandlers } from './device-wire';
import { offlineStatus, type Outgoing } from './messages';

export interface MqttDeviceOptions {
  brokerUrl: string;
  instrumentId: string;
  username?: string;
  password?: string;
}

/** QoS 1 for ack, result and data, 0 for progress (docs/protocol.md); status 1 so the retained state is reliable. */
const QOS: Record<Outgoing['type'], 0 | 1> = { ack: 1, result: 1, data: 1, progress: 0, status: 1 };

const GARBAGE: ReadonlyArray<{ topic: string; payload: Buffer }> = [
  { topic: 'ack', payload: Buffer.from('{"v":1,"cmdId":') },
  { topic: 'result', payload: Buffer.from('not json at all') },
  { topic: 'data', payload: Buffer.from([0xff, 0xff, 0xff]) },
  { topic: 'progress', payload: Buffer.from('{"v":1,"fraction":"half"') },
];

/**
 * One instrument on MQTT with its own client, so it has its own last-will: the retained offline
 * status on `lab/v1/<id>/status` that the broker publishes when the connection dies.
 */
export class MqttDevice implements DeviceWire {
  private client?: MqttClient;
  private garbageSent = 0;
  private closed = false;
  unreadable = 0;

  constructor(private readonly options: MqttDeviceOptions) {}

  private topic(leaf: string): string {
    return `lab/v1/${this.options.instrumentId}/${leaf}`;
  }

  async start(handlers: WireHandlers): Promise<void> {
    const { brokerUrl, instrumentId, username, password } = this.options;
    const client = mqtt.connect(brokerUrl, {
      clientId: `twin-${instrumentId}-${randomUUID().slice(0, 8)}`,
      username,
      password,
      clean: true,
      reconnectPeriod: 500,
      will: { topic: this.topic('status'), payload: Buffer.from(JSON.stringify(offlineStatus(instrumentId))), qos: 1, retain: true },
    });
    this.client = client;
    client.on('message', (_topic, payload) => {
      let body: unknown;
      try {
        body = JSON.parse(payload.toString('utf8'));
      } catch {
        this.unreadable++;
        return;
      }
      handlers.command(body);
    });
    // Subscribe before announcing: an orchestrator that sees us online may send at once.
    client.on('connect', () => {
      noDelay(client);
      client.subscribe(this.topic('cmd'), { qos: 1 }, () => handlers.connected());
    });
    client.on('error', () => undefined); // reconnects on its own; errors surface as offline status
    await new Promise<void>((resolve, reject) => {
      const failed = (error: Error): void => {
        client.off('connect', connected);
        client.end(true); // no background reconnects for a twin that failed to start
        reject(error);
      };
      const connected = (): void => {
        client.off('error', failed);
        resolve();
      };
      client.once('connect', connected);
      client.once('error', failed);
    });
  }

  send(out: Outgoing): Promise<void> {
    const payload = out.type === 'data' ? out.frame : JSON.stringify(out.msg);
    return this.publish(this.topic(out.type), payload, QOS[out.type], out.type === 'status');
  }

  sendGarbage(): Promise<void> {
    const garbage = GARBAGE[this.garbageSent++ % GARBAGE.length];
    return this.publish(this.topic(garbage.topic), garbage.payload, 0, false);
  }

  disconnectFor(ms: number): void {
    const client = this.client;
    if (!client || this.closed) return;
    // Forced end: the socket is destroyed without a DISCONNECT packet, so the broker fires the last-will.
    client.end(true, () => {
      setTimeout(() => !this.closed && client.reconnect(), ms);
    });
  }

  async close(): Promise<void> {
    const client = this.client;
    if (!client || this.closed) return;
    this.closed = true;
    if (client.connected) await this.publish(this.topic('status'), JSON.stringify(offlineStatus(this.options.instrumentId)), 1, true);
    await client.endAsync();
  }

  private publish(topic: string, payload: string | Buffer, qos: 0 | 1, retain: boolean): Promise<void> {
    const client = this.client;
    if (!client || client.disconnecting) return Promise.resolve();
    if (qos === 0) {
      // Nothing to wait for at QoS 0, and mqtt.js never calls back for a QoS 0 message written to a
      // connection that died unnoticed: waiting here would hang the running command for good.
      client.publish(topic, payload, { qos, retain });
      return Promise.resolve();
    }
    return new Promise((resolve) => client.publish(topic, payload, { qos, retain }, () => resolve()));
  }
}

/** Send small packets at once: with Nagle, every ack would wait on a delayed TCP ACK (~40 ms). */
export function noDelay(client: MqttClient): void {
  const socket: unknown = client.stream;
  if (socket instanceof Socket) socket.setNoDelay(true);
}
