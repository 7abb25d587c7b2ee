import type { CommandResult, Progress } from '@lab/drivers';
import { catalogFor, type Instrument, type InstrumentView } from '@lab/instruments';
import { expect } from 'vitest';
import { type InstrumentId, type InstrumentRig, KINDS, RECIPE, viewWhere } from './rig';

/** What came back for one command. */
export interface Outcome {
  cmdId: string;
  idempotencyKey: string;
  result: CommandResult;
  progress: Progress[];
}

/** Commands already run in this table, by action, for rows that refer back (query). */
export type History = Map<string, Outcome>;

/**
 * One action of a catalogue, as the orchestrator sends it through an Instrument facade. Rows of an
 * instrument run in order, like a session at the instrument: the robot makes a sample and hands it
 * to the AFM before the AFM measures it. Every row expects `succeeded` unless it runs itself.
 */
export interface ActionRow {
  action: string;
  params?: Record<string, unknown> | ((history: History) => Record<string, unknown>);
  /** What must hold after the result: outputs, data frames, or the state the instrument now reports. */
  check?: (outcome: Outcome, instrument: Instrument, history: History) => Promise<unknown> | void;
  /** For rows that need more than one command (cancel). */
  run?: (instrument: Instrument, rig: InstrumentRig) => Promise<void>;
}

/** The instrument reports these telemetry values (a status follows every change). */
const telemetry = (fields: Record<string, unknown>) => (_: Outcome, instrument: Instrument) =>
  viewWhere(instrument, (v) => Object.entries(fields).every(([key, value]) => v.telemetry[key] === value));

/** One spectrum frame with these rows (and this many points, when the action sets it). */
const spectrum = (rows: string[], points?: number) => ({ result }: Outcome) => {
  expect(result.data).toHaveLength(1);
  const { header, values } = result.data[0];
  expect(header).toMatchObject({ kind: 'spectrum', rows, shape: [2, points ?? header.shape[1]] });
  expect(values).toHaveLength(2 * header.shape[1]);
};

export async function execute(instrument: Instrument, action: string, params: Record<string, unknown>): Promise<Outcome> {
  const idempotencyKey = `table/${instrument.id}/${action}/${Math.random().toString(36).slice(2)}`;
  const handle = await instrument.send(action, params, { issuedBy: 'test:action-table', idempotencyKey });
  const progress: Progress[] = [];
  handle.progress$.subscribe((p) => progress.push(p));
  return { cmdId: handle.cmdId, idempotencyKey, result: await handle.result, progress };
}

/** The control actions every instrument has; `hold` is an exclusive action the twin can be made to hang in. */
function controlRows(hold: { action: string; params: Record<string, unknown> }, firstAction: string): ActionRow[] {
  const state = (wanted: InstrumentView['state']) => (_: Outcome, instrument: Instrument) => viewWhere(instrument, (v) => v.state === wanted);
  return [
    {
      action: 'describe',
      check: ({ result }, instrument) => {
        expect(result.outputs).toMatchObject({ kind: instrument.kind });
        // The twin must understand everything the orchestrator's catalogue can send.
        const names = (result.outputs?.actions as { name: string }[]).map((a) => a.name);
        expect(names).toEqual(expect.arrayContaining(Object.keys(catalogFor(instrument.kind))));
      },
    },
    {
      action: 'cancel',
      run: async (instrument, rig) => {
        rig.lab.twin(instrument.id).setFaults({ stuck: true });
        try {
          const target = await instrument.send(hold.action, hold.params, { issuedBy: 'test:action-table' });
          await target.accepted;
          const cancel = await execute(instrument, 'cancel', { targetCmdId: target.cmdId });
          expect(cancel.result).toMatchObject({ status: 'succeeded', outputs: { cancelled: true } });
          await expect(target.result).resolves.toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
        } finally {
          rig.lab.twin(instrument.id).setFaults({ stuck: false });
        }
      },
    },
    {
      action: 'query',
      params: (history) => ({ cmdIds: [(history.get(firstAction) as Outcome).cmdId, 'never-sent'] }),
      check: ({ result }, _, history) => {
        const first = history.get(firstAction) as Outcome;
        expect(result.outputs?.commands).toEqual({
          [first.cmdId]: expect.objectContaining({ status: 'succeeded', idempotencyKey: first.idempotencyKey }),
          'never-sent': { status: 'unknown' },
        });
      },
    },
    { action: 'estop', params: { reason: 'action table' }, check: state('estopped') },
    { action: 'reset', params: { reason: 'action table: estop checked' }, check: state('idle') },
    { action: 'clearProblem', params: { problem: 'tip_changed' }, check: (_, instrument) => viewWhere(instrument, (v) => v.problems.length === 0) },
  ];
}

const robotRows: ActionRow[] = [
  {
    action: 'synthesize',
    params: { sampleId: 's-table', recipe: RECIPE },
    check: ({ result, progress }) => {
      expect(result.outputs).toEqual({ sampleId: 's-table', outcome: 'ok' });
      expect([...new Set(progress.map((p) => p.step))]).toEqual(['dispense', 'mix', 'anneal', 'cool']);
    },
  },
  {
    action: 'handover',
    params: { sampleId: 's-table', to: 'afm' },
    check: ({ result }) => expect(result.outputs).toEqual({ sampleId: 's-table', to: 'afm' }),
  },
  { action: 'halt', check: telemetry({ arm: 'halted' }) },
];

const spmPoint = { xNm: 1000, yNm: 1200 };
const spmRows: ActionRow[] = [
  {
    action: 'approach',
    check: async (outcome, afm) => {
      expect(outcome.result.outputs?.zPiezoNm).toBeGreaterThan(0);
      // On the sample the robot handed over.
      await telemetry({ tipEngaged: true, sampleId: 's-table' })(outcome, afm);
    },
  },
  { action: 'moveTip', params: spmPoint, check: telemetry({ tipXNm: 1000, tipYNm: 1200 }) },
  { action: 'setBias', params: { biasV: 1.5 }, check: telemetry({ biasV: 1.5 }) },
  {
    action: 'scan',
    params: { sizeNm: 800, pixels: 32, lineRateHz: 2, channels: ['height', 'pfmAmplitude', 'pfmPhase'], ...spmPoint },
    check: ({ result }) => {
      expect(result.data.map((d) => d.header.channel)).toEqual(['height', 'pfmAmplitude', 'pfmPhase']);
      for (const frame of result.data) expect(frame.header).toMatchObject({ kind: 'image', shape: [32, 32], pixelSizeNm: 800 / 32 });
      expect(result.data[0].values).toBeInstanceOf(Float32Array);
    },
  },
  { action: 'hysteresisLoop', params: { ...spmPoint, vMaxV: 8, cycles: 2, points: 32 }, check: spectrum(['biasV', 'piezoresponsePm'], 64) },
  { action: 'ivCurve', params: { ...spmPoint, vMaxV: 2, points: 16 }, check: spectrum(['biasV', 'currentPa'], 16) },
  { action: 'withdraw', check: telemetry({ tipEngaged: false }) },
  // Only with the tip withdrawn: a sample exchange under an engaged tip is an interlock.
  { action: 'loadSample', params: { sampleId: 'ref-strong' }, check: telemetry({ sampleId: 'ref-strong' }) },
];

const stemRows: ActionRow[] = [
  { action: 'loadSample', params: { sampleId: 'ref-weak' }, check: telemetry({ sampleId: 'ref-weak' }) },
  {
    action: 'scan',
    params: { fovNm: 6, pixels: 64, dwellUs: 4, detector: 'haadf' },
    check: ({ result }) => {
      expect(result.data[0].header).toMatchObject({ kind: 'image', channel: 'haadf', shape: [64, 64] });
      expect(result.outputs?.doseEPerA2).toBeGreaterThan(0);
    },
  },
  { action: 'park', params: { xNm: 900, yNm: 900 }, check: telemetry({ beamXNm: 900, beamYNm: 900 }) },
  { action: 'unblank', check: telemetry({ beamBlanked: false }) },
  { action: 'blank', check: telemetry({ beamBlanked: true }) },
  {
    action: 'eels',
    params: { xNm: 1000, yNm: 1000, dwellMs: 5 },
    check: (outcome) => {
      spectrum(['energyLossEv', 'counts'])(outcome);
      expect(outcome.result.outputs?.doseEPerA2).toBeGreaterThan(0);
    },
  },
  {
    action: 'setOptics',
    params: { name: 'defocusNm', value: -3, toleranceAbs: 5 },
    check: ({ result }) => {
      expect(result.outputs?.name).toBe('defocusNm');
      expect(Math.abs(Number(result.outputs?.value) + 3)).toBeLessThanOrEqual(5);
    },
  },
  { action: 'moveStage', params: { xUm: 10, yUm: -4 }, check: telemetry({ stageXUm: 10, stageYUm: -4 }) },
];

/** Every action of every catalogue, per instrument, in the order they run. */
export const ACTION_TABLE: Record<InstrumentId, ActionRow[]> = {
  robot: [...robotRows, ...controlRows({ action: 'synthesize', params: { sampleId: 's-never', recipe: RECIPE } }, 'synthesize')],
  afm: [...spmRows, ...controlRows({ action: 'withdraw', params: {} }, 'approach')],
  stem: [...stemRows, ...controlRows({ action: 'park', params: { xNm: 10, yNm: 10 } }, 'loadSample')],
};

/** The catalogue's actions that have no row (should be none). */
export const missingRows = (id: InstrumentId): string[] =>
  Object.keys(catalogFor(KINDS[id])).filter((action) => !ACTION_TABLE[id].some((row) => row.action === action));

/** Run one row against its instrument and check it. */
export async function runRow(rig: InstrumentRig, id: InstrumentId, row: ActionRow, history: History): Promise<void> {
  const instrument = rig.instrument(id);
  if (row.run) return row.run(instrument, rig);
  const params = typeof row.params === 'function' ? row.params(history) : (row.params ?? {});
  const outcome = await execute(instrument, row.action, params);
  expect(outcome.result.status, `${id}.${row.action}: ${outcome.result.error?.message ?? ''}`).toBe('succeeded');
  history.set(row.action, outcome);
  await row.check?.(outcome, instrument, history);
}
