import { type InstrumentLink, MqttBus, SerialLink } from '@lab/drivers';
import { type CommandJournal, type Envelope, type Instrument, type InstrumentView, Spm, Stem, SynthesisRobot } from '@lab/instruments';
import { type PtyPair, type SimulatedLab, startPtyPair, startSimulatedLab, type TwinSpec } from '@lab/simulations';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { TestBroker } from '../../../support/broker';

export type Transport = 'mqtt' | 'serial';
export type InstrumentId = 'robot' | 'afm' | 'stem';

/** A recipe the robot twin turns into a good ferroelectric film. */
export const RECIPE = { fractions: { A: 0.55, B: 0.3, C: 0.15 }, annealTempC: 720, annealTimeMin: 60 };

/** Twin clock: a 60 min anneal takes 36 ms, so every action runs its real phases quickly. */
export const TIME_SCALE = 1e-5;

export interface RigOptions {
  /** Orchestrator-side envelopes per instrument (default: none). */
  envelopes?: Partial<Record<InstrumentId, Envelope>>;
  /** The twins' own envelopes per instrument (default: none). */
  twinEnvelopes?: Partial<Record<InstrumentId, Envelope>>;
  journal?: CommandJournal;
  /** Margin added to every command's deadline (default 3 s, as in the lab). */
  deadlineMarginS?: number;
}

/** Three twins (robot, AFM, STEM) on one transport, and the orchestrator's facades driving them. */
export interface InstrumentRig {
  readonly transport: Transport;
  readonly lab: SimulatedLab;
  readonly robot: SynthesisRobot;
  readonly afm: Spm;
  readonly stem: Stem;
  /** MQTT only: the broker, restartable on the same port. */
  readonly broker?: TestBroker;
  instrument(id: InstrumentId): Instrument;
  close(): Promise<void>;
}

export const KINDS: Record<InstrumentId, TwinSpec['kind']> = { robot: 'synthesis-robot', afm: 'spm', stem: 'stem' };
export const IDS = Object.keys(KINDS) as InstrumentId[];
/** No random tip changes: a `tip_changed` problem would block the measurements that follow. */
const WORLD = { spm: { tipChangeProbability: 0 } };

/** What a transport set-up hands back: the twins, the orchestrator's links to them, and the broker if any. */
interface Wired {
  lab: SimulatedLab;
  links: Record<InstrumentId, InstrumentLink>;
  broker?: TestBroker;
}

type Twins = (transport: (id: InstrumentId) => TwinSpec['transport'], brokerUrl?: string) => Promise<SimulatedLab>;
/** Things to stop, in reverse order of start. */
type Stops = (() => Promise<void>)[];

async function overMqtt(startTwins: Twins, stops: Stops): Promise<Wired> {
  const broker = await new TestBroker().start();
  stops.push(() => broker.stop());
  const lab = await startTwins(() => ({ type: 'mqtt' }), broker.url);
  stops.push(() => lab.stop());
  // Short reconnect delays: a broker restart is part of the tests.
  const bus = await MqttBus.connect({ url: broker.url, clientId: `rig-${process.pid}-${Date.now()}`, reconnectMs: 50, maxReconnectMs: 200 });
  stops.push(() => bus.close());
  return { lab, broker, links: { robot: bus.link('robot'), afm: bus.link('afm'), stem: bus.link('stem') } };
}

async function overSerial(startTwins: Twins, stops: Stops): Promise<Wired> {
  const pairs = {} as Record<InstrumentId, PtyPair>;
  for (const id of IDS) {
    const pair = await startPtyPair(id);
    pairs[id] = pair;
    stops.push(() => pair.stop());
  }
  const lab = await startTwins((id) => ({ type: 'serial', path: pairs[id].devicePath }));
  stops.push(() => lab.stop());
  const link = (id: InstrumentId): SerialLink => {
    const serial = new SerialLink({ instrumentId: id, path: pairs[id].hostPath, reconnect: { initialMs: 50, maxMs: 400 } });
    stops.push(() => serial.close());
    return serial;
  };
  return { lab, links: { robot: link('robot'), afm: link('afm'), stem: link('stem') } };
}

export async function startRig(transport: Transport, options: RigOptions = {}): Promise<InstrumentRig> {
  const stops: Stops = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  const startTwins: Twins = (wire, brokerUrl) =>
    startSimulatedLab({
      brokerUrl,
      seed: 3,
      timeScale: TIME_SCALE,
      world: WORLD,
      instruments: IDS.map((id) => ({ id, kind: KINDS[id], transport: wire(id), envelope: options.twinEnvelopes?.[id] })),
    });
  try {
    const { lab, links, broker } = transport === 'mqtt' ? await overMqtt(startTwins, stops) : await overSerial(startTwins, stops);
    const common = (id: InstrumentId) => ({ id, link: links[id], envelope: options.envelopes?.[id] ?? {}, journal: options.journal, timeScale: TIME_SCALE, deadlineMarginS: options.deadlineMarginS });
    const instruments = { robot: new SynthesisRobot(common('robot')), afm: new Spm(common('afm')), stem: new Stem(common('stem')) };
    await Promise.all(IDS.map((id) => viewWhere(instruments[id], (v) => v.online)));
    return { transport, lab, broker, ...instruments, instrument: (id) => instruments[id], close: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The instrument's view once it satisfies `wanted` (fails the test after 10 s rather than hanging). */
export function viewWhere(instrument: Instrument, wanted: (view: InstrumentView) => boolean): Promise<InstrumentView> {
  return firstValueFrom(instrument.view$.pipe(filter(wanted), timeout(10_000)));
}
