import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { BehaviorSubject, Subject } from 'rxjs';
import type { LinkState } from '../link';
import { MqttLink, type MqttLinkOptions } from './mqtt-link';
import { TOPIC_ROOT, parseTopic } from './topics';

export interface MqttBusOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** PEM strings; with an mqtts:// URL. */
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean };
  connectTimeoutMs?: number;
  /** First reconnect delay; doubles on each failed attempt up to maxReconnectMs. */
  reconnectMs?: number;
  maxReconnectMs?: number;
}

export interface BusWarning {
  topic: string;
  error: Error;
}

/**
 * The orchestrator's single MQTT connection to the lab broker. It subscribes once to every
 * instrument's topics and hands each message to the link of its instrument.
 */
export class MqttBus {
  readonly state$ = new BehaviorSubject<LinkState>('connecting');
  /** Messages that could not be decoded: counted and reported, never fatal. */
  readonly warnings$ = new Subject<BusWarning>();
  private readonly links = new Map<string, MqttLink>();

  private constructor(private readonly client: MqttClient) {
    const firstDelayMs = client.options.reconnectPeriod ?? 500;
    const maxDelayMs = (client.options as { maxReconnectMs?: number }).maxReconnectMs ?? 10_000;
    client.on('connect', () => {
      // Small command messages must not wait for Nagle's batching (it adds tens of ms per round trip).
      (client.stream as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
      client.options.reconnectPeriod = firstDelayMs;
      this.state$.next('connected');
    });
    client.on('offline', () => this.state$.next('disconnected'));
    client.on('close', () => {
      if (this.state$.value !== 'closed') this.state$.next('disconnected');
      client.options.reconnectPeriod = Math.min(maxDelayMs, (client.options.reconnectPeriod ?? firstDelayMs) * 2);
    });
    client.on('message', (topic, payload) => this.dispatch(topic, payload));
    // Connection errors while reconnecting are reported, never thrown: the bus keeps trying.
    client.on('error', (error) => this.warnings$.next({ topic: '(connection)', error }));
  }

  static async connect(options: MqttBusOptions): Promise<MqttBus> {
    const clientOptions: IClientOptions & { maxReconnectMs: number } = {
      clientId: options.clientId,
      username: options.username,
      password: options.password,
      ca: options.tls?.ca,
      cert: options.tls?.cert,
      key: options.tls?.key,
      rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
      // A persistent session: the broker keeps our subscription and queues QoS 1 results while we are away.
      clean: false,
      protocolVersion: 4,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      reconnectPeriod: options.reconnectMs ?? 500,
      maxReconnectMs: options.maxReconnectMs ?? 10_000,
    };
    const client = mqtt.connect(options.url, clientOptions);
    const bus = new MqttBus(client);
    await new Promise<void>((resolve, reject) => {
      // Both listeners go once the first attempt settles: later errors belong to reconnection, not to connect().
      const done = (error?: Error): void => {
        clearTimeout(timer);
        client.off('connect', onConnect);
        client.off('error', done);
        if (!error) return resolve();
        client.end(true);
        reject(new Error(`cannot reach the MQTT broker at ${options.url}: ${error.message}`));
      };
      const onConnect = (): void => done();
      const timer = setTimeout(() => done(new Error('connect timeout')), clientOptions.connectTimeout);
      client.on('connect', onConnect);
      client.on('error', done);
    });
    await client.subscribeAsync(`${TOPIC_ROOT}/+/#`, { qos: 1 });
    return bus;
  }

  link(instrumentId: string, options: MqttLinkOptions = {}): MqttLink {
    const existing = this.links.get(instrumentId);
    if (existing) return existing;
    const link = new MqttLink(instrumentId, this.client, this.state$, options, () => this.links.delete(instrumentId));
    this.links.set(instrumentId, link);
    return link;
  }

  async close(): Promise<void> {
    this.state$.next('closed');
    await Promise.all([...this.links.values()].map((link) => link.close()));
    await this.client.endAsync();
    this.state$.complete();
    this.warnings$.complete();
  }

  private dispatch(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (!parsed) return;
    const link = this.links.get(parsed.instrumentId);
    if (!link) return;
    try {
      link.receive(parsed.channel, payload);
    } catch (error) {
      this.warnings$.next({ topic, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
}
