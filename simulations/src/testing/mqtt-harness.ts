import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { createBroker } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { decodeFrame } from '../wire/frame-codec';
import { noDelay } from '../wire/mqtt-device';
import type { AckMsg, FrameHeader, JsonObject, ProgressMsg, ResultMsg, StatusMsg } from '../wire/messages';

/** An embedded aedes broker on a free loopback port (never 1883), for tests. */
export async function startTestBroker(): Promise<{ url: string; close(): Promise<void> }> {
  const broker = createBroker();
  // No Nagle: small MQTT packets would otherwise wait on delayed ACKs (~40 ms per hop).
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Everything heard about one command, in arrival order. */
export interface Exchange {
  ack?: AckMsg;
  progress: ProgressMsg[];
  data: Array<{ header: FrameHeader; payload: Buffer }>;
  result?: ResultMsg;
  /** Message types in arrival order, e.g. ['ack', 'progress', 'data', 'result']. */
  order: string[];
}

export interface SendOptions {
  cmdId?: string;
  idempotencyKey?: string;
  deadlineMs?: number;
}

/** A bare-bones orchestrator for tests: publishes commands and records what comes back. */
export class TestOrchestrator {
  readonly statuses = new Map<string, StatusMsg[]>();
  private readonly exchanges = new Map<string, Exchange>();
  unreadable = 0;

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  static async connect(url: string): Promise<TestOrchestrator> {
    const client = await mqtt.connectAsync(url, { clientId: `test-orchestrator-${randomUUID().slice(0, 8)}` });
    noDelay(client);
    await client.subscribeAsync('lab/v1/+/#', { qos: 1 });
    return new TestOrchestrator(client);
  }

  /** Publish a command; returns its cmdId. */
  send(instrumentId: string, action: string, params: JsonObject = {}, options: SendOptions = {}): string {
    const cmdId = options.cmdId ?? `c-${randomUUID()}`;
    const command = {
      v: 1,
      cmdId,
      idempotencyKey: options.idempotencyKey ?? `k-${cmdId}`,
      action,
      params,
      issuedBy: 'test',
      issuedAtMs: Date.now(),
      deadlineMs: options.deadlineMs ?? Date.now() + 60_000,
      expectedDurationS: 1,
    };
    this.exchange(cmdId);
    void this.client.publishAsync(`lab/v1/${instrumentId}/cmd`, JSON.stringify(command), { qos: 1 });
    return cmdId;
  }

  /** Send and wait until the command is rejected or has a result. */
  async run(instrumentId: string, action: string, params: JsonObject = {}, options: SendOptions = {}): Promise<Exchange> {
    const cmdId = this.send(instrumentId, action, params, options);
    return this.settled(cmdId);
  }

  /** Wait until a command is rejected or has a result. */
  settled(cmdId: string, timeoutMs = 10_000): Promise<Exchange> {
    const exchange = this.exchange(cmdId);
    return waitFor(() => (exchange.result || exchange.ack?.accepted === false ? exchange : undefined), timeoutMs, `result of ${cmdId}`);
  }

  exchange(cmdId: string): Exchange {
    let exchange = this.exchanges.get(cmdId);
    if (!exchange) {
      exchange = { progress: [], data: [], order: [] };
      this.exchanges.set(cmdId, exchange);
    }
    return exchange;
  }

  latestStatus(instrumentId: string): StatusMsg | undefined {
    return this.statuses.get(instrumentId)?.at(-1);
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }

  private onMessage(topic: string, payload: Buffer): void {
    const [, , instrumentId, leaf] = topic.split('/');
    try {
      if (leaf === 'data') {
        const frame = decodeFrame(payload);
        this.record(frame.header.cmdId, 'data', (e) => e.data.push(frame));
        return;
      }
      const body: unknown = JSON.parse(payload.toString('utf8'));
      if (leaf === 'status') {
        const list = this.statuses.get(instrumentId) ?? [];
        list.push(body as StatusMsg);
        this.statuses.set(instrumentId, list);
      } else if (leaf === 'ack') {
        this.record((body as AckMsg).cmdId, leaf, (e) => (e.ack = body as AckMsg));
      } else if (leaf === 'progress') {
        this.record((body as ProgressMsg).cmdId, leaf, (e) => e.progress.push(body as ProgressMsg));
      } else if (leaf === 'result') {
        this.record((body as ResultMsg).cmdId, leaf, (e) => (e.result = body as ResultMsg));
      }
    } catch {
      this.unreadable++;
    }
  }

  private record(cmdId: string, type: string, apply: (exchange: Exchange) => void): void {
    const exchange = this.exchange(cmdId);
    apply(exchange);
    exchange.order.push(type);
  }
}

/** Poll until `probe` returns a value (tests only; no timing asserts, just a generous limit). */
export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
