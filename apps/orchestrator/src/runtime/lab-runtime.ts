import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { InstrumentConfig, LabConfig, Loaded } from '@lab/config';
import { type InstrumentLink, MqttBus, SerialLink } from '@lab/drivers';
import { createInstrument, type Instrument } from '@lab/instruments';
import { type SimulatedLab, startPtyPair, startSimulatedLab } from '@lab/simulations';
import type { DataSource } from 'typeorm';
import { DbCommandJournal } from '../persistence/command-journal';
import { openDatabase } from '../persistence/data-source';
import { BlobStore } from './blob-store';
import { EmbeddedBroker } from './embedded-broker';
import { EventBus } from './event-bus';
import { twinOptionsOf } from './twin-options';
import { VisionPipeline } from '../vision/vision-pipeline';
import { visionConfigSchema } from '../vision/vision-config';

export interface RuntimeOptions {
  lab: Loaded<LabConfig>;
  /** Relative paths in the lab file (database, data directory) resolve against this. */
  baseDir: string;
  databaseUrl?: string;
  brokerUrl?: string;
  mqttUsername?: string;
  mqttPassword?: string;
  /** Overrides the twins' seed (the campaign seed when `lab run --seed` is given). */
  simulationSeed?: number;
  /** Run the digital twins in this process (default: the lab file's simulation.enabled). */
  simulate?: boolean;
  log?: (line: string) => void;
  /** Session signing secret and extra users from the environment (see config/src/env.ts). */
  authSecret?: string;
  extraUsers?: { name: string; role: string; passwordHash: string }[];
}

/**
 * The lab's infrastructure, started in dependency order and stopped in reverse: database, broker
 * (embedded unless one is configured), digital twins, the MQTT bus and one facade per instrument.
 */
export class LabRuntime {
  readonly events = new EventBus();
  readonly instruments = new Map<string, Instrument>();
  private readonly stack: { name: string; stop: () => Promise<void> }[] = [];
  db!: DataSource;
  bus!: MqttBus;
  blobs!: BlobStore;
  brokerUrl!: string;
  sim?: SimulatedLab;
  private visionPipeline?: VisionPipeline;

  private constructor(readonly options: RuntimeOptions) {}

  get lab(): LabConfig {
    return this.options.lab.config;
  }

  /** Instrument seconds per real second: the twins' clock scale, or 1 for hardware. */
  get timeScale(): number {
    return this.simulating ? this.lab.simulation.timeScale : 1;
  }

  get simulating(): boolean {
    return this.options.simulate ?? this.lab.simulation.enabled;
  }

  /**
   * Image analysis (ONNX segmentation in worker threads), started on first use: a lab whose
   * campaigns take no images never pays for the workers.
   */
  vision(): VisionPipeline {
    if (!this.visionPipeline) {
      // A lab's own model cards are named relative to its lab file.
      const pipeline = new VisionPipeline({ config: visionConfigSchema.parse(this.lab.vision), baseDir: dirname(this.options.lab.file) });
      this.visionPipeline = pipeline;
      this.stack.push({ name: 'vision workers', stop: () => pipeline.close() });
    }
    return this.visionPipeline;
  }

  static async start(options: RuntimeOptions): Promise<LabRuntime> {
    const runtime = new LabRuntime(options);
    try {
      await runtime.startAll();
    } catch (error) {
      await runtime.stop();
      throw error;
    }
    return runtime;
  }

  async stop(): Promise<void> {
    while (this.stack.length > 0) {
      const { name, stop } = this.stack.pop() as { name: string; stop: () => Promise<void> };
      await stop().catch((error: Error) => this.log(`stopping ${name}: ${error.message}`));
    }
    this.events.complete();
  }

  private async startAll(): Promise<void> {
    const { lab, baseDir } = this.options;
    const dataDir = resolve(baseDir, lab.config.dataDir);
    this.blobs = new BlobStore(dataDir);

    this.db = await openDatabase(this.options.databaseUrl ?? lab.config.database.url, baseDir);
    this.stack.push({ name: 'database', stop: () => this.db.destroy() });

    this.brokerUrl = this.options.brokerUrl ?? lab.config.broker.url ?? (await this.startEmbeddedBroker());

    const serialHostPaths = new Map<string, string>();
    if (this.simulating) {
      const serialDevicePaths = new Map<string, string>();
      for (const instrument of lab.config.instruments.filter((i) => i.transport.type === 'serial')) {
        const pair = await startPtyPair(instrument.id);
        this.stack.push({ name: `pty pair of ${instrument.id}`, stop: () => pair.stop() });
        serialDevicePaths.set(instrument.id, pair.devicePath);
        serialHostPaths.set(instrument.id, pair.hostPath);
      }
      const sim = await startSimulatedLab(
        twinOptionsOf(lab.config, { brokerUrl: this.brokerUrl, ...this.credentials(), seed: this.options.simulationSeed, serialDevicePaths }),
      );
      this.sim = sim;
      this.stack.push({ name: 'digital twins', stop: () => sim.stop() });
    }

    const tls = lab.config.broker.tls;
    this.bus = await MqttBus.connect({
      url: this.brokerUrl,
      // Stable across restarts: the broker keeps one persistent session for this lab's orchestrator.
      clientId: lab.config.broker.clientId ?? `orchestrator-${lab.config.name}-${hostname()}`,
      username: this.credentials().mqttUsername,
      password: this.credentials().mqttPassword,
      tls: tls && {
        ca: tls.caFile && readFileSync(resolve(baseDir, tls.caFile), 'utf8'),
        cert: tls.certFile && readFileSync(resolve(baseDir, tls.certFile), 'utf8'),
        key: tls.keyFile && readFileSync(resolve(baseDir, tls.keyFile), 'utf8'),
      },
    });
    this.stack.push({ name: 'MQTT bus', stop: () => this.bus.close() });

    const journal = new DbCommandJournal(this.db);
    for (const config of lab.config.instruments) {
      const link = this.linkFor(config, serialHostPaths.get(config.id));
      const instrument = createInstrument({ id: config.id, kind: config.kind, link, envelope: config.envelope, journal, timeScale: this.timeScale });
      instrument.view$.subscribe((view) => this.events.publish('instrument.status', { ...view }));
      this.instruments.set(config.id, instrument);
    }
  }

  private linkFor(config: InstrumentConfig, simulatedPath?: string): InstrumentLink {
    if (config.transport.type === 'mqtt') return this.bus.link(config.id, { silenceMs: config.heartbeatS * 3000 });
    const link = new SerialLink({ instrumentId: config.id, path: simulatedPath ?? config.transport.path, baudRate: config.transport.baudRate, heartbeatS: config.heartbeatS });
    this.stack.push({ name: `serial link of ${config.id}`, stop: () => link.close() });
    return link;
  }

  private credentials(): { mqttUsername?: string; mqttPassword?: string } {
    return {
      mqttUsername: this.options.mqttUsername ?? this.lab.broker.username,
      mqttPassword: this.options.mqttPassword ?? this.lab.broker.password,
    };
  }

  private async startEmbeddedBroker(): Promise<string> {
    const broker = await EmbeddedBroker.start(this.lab.broker.embeddedPort);
    this.stack.push({ name: 'embedded broker', stop: () => broker.stop() });
    this.log(`embedded MQTT broker on ${broker.url}`);
    return broker.url;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
