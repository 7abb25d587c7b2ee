import { type InstrumentLink, type LinkState, MqttBus, SerialLink, type StatusMsg } from '@lab/drivers';
import { type PtyPair, type SimulatedLab, startPtyPair, startSimulatedLab, type TwinSpec } from '@lab/simulations';
import mqtt from 'mqtt';
import { filter, firstValueFrom, type Observable, timeout } from 'rxjs';
import { EmbeddedBroker } from '../../apps/orchestrator/src/runtime/embedded-broker';
import type { DeviceWire } from '../../simulations/src/wire/device-wire';
import { MqttDevice } from '../../simulations/src/wire/mqtt-device';
import { SerialDevice } from '../../simulations/src/wire/serial-device';

/**
 * Wall-clock seconds per instrument second for the twin: small enough that an action's nominal
 * duration vanishes, so the numbers are the messaging path, not the simulated physics.
 */
export const BENCH_TIME_SCALE = 1e-9;

/** One transport under test: the orchestrator's link to an SPM twin, plus a raw device wire for telemetry floods. */
export interface Rig {
  transport: string;
  /** The orchestrator's end of the SPM twin's connection. */
  link: InstrumentLink;
  /** A device-side wire (the twins' own transport code) and the orchestrator's link that listens to it. */
  telemetry: { wire: DeviceWire; link: InstrumentLink };
  close(): Promise<void>;
}

const READY_MS = 10_000;
const ignoreCommands = (id: string) => ({ command: () => undefined, connected: () => undefined, identify: () => `${id} spm bench-source 1` });
const online = (status$: Observable<StatusMsg>): Promise<StatusMsg> => firstValueFrom(status$.pipe(filter((s) => s.online), timeout(READY_MS)));
const connected = (state$: Observable<LinkState>): Promise<LinkState> => firstValueFrom(state$.pipe(filter((s) => s === 'connected'), timeout(READY_MS)));

/** The twin's clock and heartbeat as in a lab; only the time scale is squeezed. */
const twinLab = (instruments: TwinSpec[], brokerUrl?: string): Promise<SimulatedLab> =>
  startSimulatedLab({ brokerUrl, seed: 1, timeScale: BENCH_TIME_SCALE, heartbeatS: 2, instruments });

/** Twin and orchestrator on one broker, each with its own MQTT connection, as in `lab start`. */
async function mqttRig(transport: string, brokerUrl: string, clientId: string, idPrefix: string, cleanup: () => Promise<void>): Promise<Rig> {
  const spmId = `${idPrefix}-spm`;
  const sourceId = `${idPrefix}-telemetry`;
  const sim = await twinLab([{ id: spmId, kind: 'spm', transport: { type: 'mqtt' } }], brokerUrl);
  const bus = await MqttBus.connect({ url: brokerUrl, clientId });
  const link = bus.link(spmId);
  const wire = new MqttDevice({ brokerUrl, instrumentId: sourceId });
  await wire.start(ignoreCommands(sourceId));
  await online(link.status$);
  return {
    transport,
    link,
    telemetry: { wire, link: bus.link(sourceId) },
    close: async () => {
      await wire.close();
      await sim.stop();
      await bus.close();
      await clearRetained(brokerUrl, [spmId, sourceId]);
      await cleanup();
    },
  };
}

/** The embedded aedes broker exactly as the orchestrator starts it (loopback, no Nagle). */
export async function aedesRig(): Promise<Rig> {
  const broker = await EmbeddedBroker.start(0);
  return mqttRig('mqtt, embedded aedes (loopback)', broker.url, `bench-${process.pid}`, 'bench', () => broker.stop());
}

export const MOSQUITTO_URL = 'mqtt://127.0.0.1:1883';

/** An external Mosquitto (by default on 127.0.0.1:1883), or undefined when none answers. */
export async function mosquittoRig(url = MOSQUITTO_URL): Promise<Rig | undefined> {
  if (!(await reachable(url))) return undefined;
  // A fixed client id: MqttBus keeps a persistent session, and a fresh id per run would leave one
  // orphaned session per run queueing QoS 1 messages on a shared broker. It is cleared at the end.
  const clientId = 'lab-bench-messaging';
  return mqttRig(`mqtt, mosquitto ${new URL(url).host}`, url, clientId, `bench-${process.pid}`, () => dropSession(url, clientId));
}

/** The serial dialect over a socat pty pair per device; pseudo-terminals ignore the baud rate. */
export async function serialRig(): Promise<Rig> {
  const pairs: PtyPair[] = [await startPtyPair('bench-spm'), await startPtyPair('bench-telemetry')];
  const [spmPair, sourcePair] = pairs;
  const sim = await twinLab([{ id: 'bench-spm', kind: 'spm', transport: { type: 'serial', path: spmPair.devicePath } }]);
  const link = new SerialLink({ instrumentId: 'bench-spm', path: spmPair.hostPath });
  const wire = new SerialDevice({ instrumentId: 'bench-telemetry', path: sourcePair.devicePath, baudRate: 115200 });
  await wire.start(ignoreCommands('bench-telemetry'));
  const sourceLink = new SerialLink({ instrumentId: 'bench-telemetry', path: sourcePair.hostPath });
  await Promise.all([connected(link.state$), connected(sourceLink.state$)]);
  return {
    transport: 'serial, socat pty pair',
    link,
    telemetry: { wire, link: sourceLink },
    close: async () => {
      await Promise.all([link.close(), sourceLink.close()]);
      await wire.close();
      await sim.stop();
      await Promise.all(pairs.map((pair) => pair.stop()));
    },
  };
}

function reachable(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { connectTimeout: 1000, reconnectPeriod: 0 });
    const done = (ok: boolean): void => {
      client.end(true);
      resolve(ok);
    };
    client.once('connect', () => done(true));
    client.once('error', () => done(false));
    client.once('close', () => done(false));
  });
}

/** Remove the retained statuses the bench's instruments left, so a shared broker shows no ghosts. */
async function clearRetained(url: string, instrumentIds: string[]): Promise<void> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  for (const id of instrumentIds) await client.publishAsync(`lab/v1/${id}/status`, '', { qos: 1, retain: true });
  await client.endAsync();
}

/** A clean-session connect with the same id discards the persistent session (MQTT 3.1.1). */
async function dropSession(url: string, clientId: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0 });
  await client.endAsync();
}
