import { Ledger, type LedgerEntry } from './twins/ledger';
import { RobotTwin } from './twins/robot.twin';
import { SpmTwin } from './twins/spm.twin';
import { StemTwin } from './twins/stem.twin';
import type { Twin, TwinOptions } from './twins/twin';
import type { Envelope } from './twins/validation';
import type { DeviceWire } from './wire/device-wire';
import { MqttDevice } from './wire/mqtt-device';
import { SerialDevice } from './wire/serial-device';
import { parseWorldParams } from './world/params';
import { World } from './world/world';

/** One simulated instrument of the lab. */
export interface TwinSpec {
  /** Instrument id, e.g. 'robot', 'afm', 'stem'. */
  id: string;
  kind: 'synthesis-robot' | 'spm' | 'stem';
  transport: { type: 'mqtt' } | { type: 'serial'; path: string; baudRate?: number };
  /**
   * Device-side safety limits by param name (biasV, vMaxV, xNm, dwellUs, annealTempC, ...) or
   * derived quantity (frameTimeS, doseEPerA2, doseBudgetEPerA2). Out of range: rejected with
   * `validation`, never clamped.
   */
  envelope?: Envelope;
}

export interface SimulatedLabOptions {
  /** Required when any twin uses MQTT. */
  brokerUrl?: string;
  mqttUsername?: string;
  mqttPassword?: string;
  instruments: TwinSpec[];
  /** Same seed, same commands: same measurements, byte for byte. */
  seed: number;
  /** Wall-clock seconds per instrument second: 1 = real durations, 0.001 = 1000x faster. */
  timeScale: number;
  /** Hidden physics (lab.yaml `simulation.world`), validated with parseWorldParams. */
  world?: unknown;
  /** Status heartbeat period (default 2 s). */
  heartbeatS?: number;
  /** If set, every executed command is appended here as JSON lines (see Ledger). */
  ledgerPath?: string;
}

/** A running set of twins sharing one world. */
export interface SimulatedLab {
  /** The twin with this id; throws for an unknown id. */
  twin(id: string): Twin;
  /** Every command actually executed, by any twin, in start order. */
  ledger(): LedgerEntry[];
  /** The shared world: sample registry and physics. */
  readonly world: World;
  /** Publish offline status, close connections and ports, clear timers. */
  stop(): Promise<void>;
}

/** Start the digital twins of a lab, each on its own MQTT client or serial port. */
export async function startSimulatedLab(options: SimulatedLabOptions): Promise<SimulatedLab> {
  const world = new World(parseWorldParams(options.world ?? {}), options.seed);
  const ledger = new Ledger(options.ledgerPath);
  const twins = new Map<string, Twin>();
  for (const spec of options.instruments) {
    if (twins.has(spec.id)) throw new Error(`duplicate instrument id '${spec.id}'`);
    const twinOptions: TwinOptions = {
      id: spec.id,
      world,
      timeScale: options.timeScale,
      heartbeatS: options.heartbeatS ?? 2,
      envelope: spec.envelope ?? {},
      ledger,
      wire: wireFor(spec, options),
      peers: (id) => twins.get(id),
    };
    twins.set(spec.id, createTwin(spec.kind, twinOptions));
  }
  const started: Twin[] = [];
  try {
    for (const twin of twins.values()) {
      await twin.start();
      started.push(twin);
    }
  } catch (error) {
    await Promise.allSettled(started.map((twin) => twin.stop()));
    throw error;
  }
  return {
    world,
    twin(id) {
      const twin = twins.get(id);
      if (!twin) throw new Error(`no twin '${id}' in this lab (have: ${[...twins.keys()].join(', ')})`);
      return twin;
    },
    ledger: () => ledger.list(),
    stop: async () => {
      await Promise.allSettled([...twins.values()].map((twin) => twin.stop()));
    },
  };
}

function createTwin(kind: TwinSpec['kind'], options: TwinOptions): Twin {
  switch (kind) {
    case 'synthesis-robot': return new RobotTwin(options);
    case 'spm': return new SpmTwin(options);
    case 'stem': return new StemTwin(options);
  }
}

function wireFor(spec: TwinSpec, options: SimulatedLabOptions): DeviceWire {
  if (spec.transport.type === 'serial') {
    return new SerialDevice({ instrumentId: spec.id, path: spec.transport.path, baudRate: spec.transport.baudRate ?? 115200 });
  }
  if (!options.brokerUrl) throw new Error(`twin '${spec.id}' uses MQTT but no brokerUrl was given`);
  return new MqttDevice({ brokerUrl: options.brokerUrl, instrumentId: spec.id, username: options.mqttUsername, password: options.mqttPassword });
}
