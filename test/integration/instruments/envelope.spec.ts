import { CommandRejectedError } from '@lab/drivers';
import { LimitViolationError } from '@lab/instruments';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandLog, openCommandLog } from './support/command-log';
import { type InstrumentId, type InstrumentRig, startRig } from './support/rig';

const recipe = (annealTempC: number) => ({ sampleId: `s-${annealTempC}`, recipe: { fractions: { A: 0.5, B: 0.3, C: 0.2 }, annealTempC, annealTimeMin: 30 } });

/** Limits the orchestrator checks before anything leaves. */
const ORCHESTRATOR_ENVELOPES = {
  robot: { annealTempC: { max: 1100 } },
  afm: { vMaxV: { max: 9 }, biasV: { min: -10, max: 10 } },
  stem: { frameTimeS: { max: 60 }, dwellUs: { max: 100 } },
};
/** The instruments' own, tighter limits: what a stricter firmware enforces behind a looser lab file. */
const TWIN_ENVELOPES = {
  robot: { annealTempC: { max: 900 } },
  afm: { biasV: { min: -6, max: 6 } },
  stem: { dwellUs: { max: 20 } },
};

interface Violation {
  id: InstrumentId;
  action: string;
  params: Record<string, unknown>;
  field: string;
}

const orchestratorSide: Violation[] = [
  { id: 'robot', action: 'synthesize', params: recipe(1200), field: 'recipe.annealTempC' },
  { id: 'afm', action: 'hysteresisLoop', params: { xNm: 100, yNm: 100, vMaxV: 9.5, cycles: 1, points: 16 }, field: 'vMaxV' },
  { id: 'stem', action: 'scan', params: { fovNm: 10, pixels: 2048, dwellUs: 20 }, field: 'frameTimeS' },
];
const instrumentSide: Violation[] = [
  { id: 'robot', action: 'synthesize', params: recipe(1000), field: 'recipe.annealTempC' },
  { id: 'afm', action: 'setBias', params: { biasV: 8 }, field: 'biasV' },
  // A spectroscopy's vMaxV counts as biasV for the envelope (docs/protocol.md).
  { id: 'afm', action: 'ivCurve', params: { xNm: 100, yNm: 100, vMaxV: 7, points: 16 }, field: 'vMaxV' },
  { id: 'stem', action: 'scan', params: { fovNm: 10, pixels: 64, dwellUs: 50 }, field: 'dwellUs' },
];

describe.each(['mqtt', 'serial'] as const)('envelope violations over %s', (transport) => {
  let rig: InstrumentRig;
  let log: CommandLog;
  beforeAll(async () => {
    log = await openCommandLog();
    rig = await startRig(transport, { journal: log.journal, envelopes: ORCHESTRATOR_ENVELOPES, twinEnvelopes: TWIN_ENVELOPES });
  });
  afterAll(async () => {
    await rig.close();
    await log.close();
  });

  it.each(orchestratorSide.map((v) => [`${v.id}.${v.action} ${v.field}`, v] as const))(
    'the orchestrator refuses %s with LimitViolationError before anything is logged or sent',
    async (_, { id, action, params, field }) => {
      const before = (await log.rows()).length;
      const error = await rig.instrument(id).send(action, params, { issuedBy: 'test:envelope' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LimitViolationError);
      expect(error).toMatchObject({ instrumentId: id, field });
      expect(await log.rows()).toHaveLength(before);
      expect(rig.lab.twin(id).ledger().filter((e) => e.action === action)).toEqual([]);
    },
  );

  it.each(instrumentSide.map((v) => [`${v.id}.${v.action} ${v.field}`, v] as const))(
    'the instrument rejects %s with validation when the lab envelope is looser; the command log says rejected',
    async (_, { id, action, params, field }) => {
      const handle = await rig.instrument(id).send(action, params, { issuedBy: 'test:envelope' });
      const error = await handle.result.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CommandRejectedError);
      expect(error).toMatchObject({ cmdId: handle.cmdId, code: 'validation', field });
      await expect(handle.accepted).rejects.toBe(error);
      expect(await log.row(handle.cmdId)).toMatchObject({ status: 'rejected', error: { code: 'validation' }, resultAtMs: null });
      expect((await log.row(handle.cmdId))?.ackAtMs).toEqual(expect.any(Number));
      expect(rig.lab.twin(id).ledger().some((e) => e.cmdId === handle.cmdId)).toBe(false);
    },
  );
});
