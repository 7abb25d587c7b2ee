import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedLab, type SimulatedLabOptions, startSimulatedLab } from '../lab';
import { startTestBroker, TestOrchestrator } from '../testing/mqtt-harness';
import { float32Values } from '../wire/frame-codec';
import type { JsonObject } from '../wire/messages';

const recipe = { fractions: { A: 0.55, B: 0.3, C: 0.15 }, annealTempC: 720, annealTimeMin: 60 };

describe('instrument twins over MQTT', () => {
  let broker: Awaited<ReturnType<typeof startTestBroker>>;
  let orch: TestOrchestrator;
  const labOptions = (): SimulatedLabOptions => ({
    brokerUrl: broker.url,
    seed: 11,
    timeScale: 1e-5,
    instruments: [
      { id: 'robot', kind: 'synthesis-robot', transport: { type: 'mqtt' } },
      { id: 'afm', kind: 'spm', transport: { type: 'mqtt' } },
      { id: 'stem', kind: 'stem', transport: { type: 'mqtt' }, envelope: { frameTimeS: { max: 60 }, doseBudgetEPerA2: { max: 1e9 } } },
    ],
  });
  const withLab = async <T>(fn: (lab: SimulatedLab) => Promise<T>, options = labOptions()): Promise<T> => {
    const lab = await startSimulatedLab(options);
    try {
      return await fn(lab);
    } finally {
      await lab.stop();
    }
  };

  beforeAll(async () => {
    broker = await startTestBroker();
    orch = await TestOrchestrator.connect(broker.url);
  });
  afterAll(async () => {
    await orch.close();
    await broker.close();
  });

  it('synthesizes through dispense, mix, anneal, cool and hands the sample to a microscope', () =>
    withLab(async () => {
      const made = await orch.run('robot', 'synthesize', { sampleId: 's-ok', recipe });
      expect(made.result?.outputs).toEqual({ sampleId: 's-ok', outcome: 'ok' });
      expect([...new Set(made.progress.map((p) => p.step))]).toEqual(['dispense', 'mix', 'anneal', 'cool']);
      const failed = await orch.run('robot', 'synthesize', { sampleId: 's-bad', recipe: { ...recipe, fractions: { A: 0.2, B: 0.2, C: 0.6 }, annealTempC: 950 } });
      expect(failed.result).toMatchObject({ status: 'succeeded', outputs: { outcome: 'failed', failureReason: 'phase_separation' } });

      expect((await orch.run('robot', 'handover', { sampleId: 's-ok', to: 'robot' })).ack?.reason).toMatchObject({ code: 'validation', field: 'to' });
      expect((await orch.run('robot', 'handover', { sampleId: 's-ok', to: 'afm' })).result?.outputs).toEqual({ sampleId: 's-ok', to: 'afm' });
      expect(orch.latestStatus('afm')).toMatchObject({ ready: true, telemetry: { sampleId: 's-ok' } });
      expect((await orch.run('robot', 'synthesize', { sampleId: 's-ok', recipe })).ack?.reason).toMatchObject({ code: 'validation', field: 'sampleId' });
      const unsummed = await orch.run('robot', 'synthesize', { sampleId: 's-x', recipe: { ...recipe, fractions: { A: 0.5, B: 0.5, C: 0.5 } } });
      expect(unsummed.ack?.reason).toMatchObject({ code: 'validation', field: 'recipe.fractions' });
    }));

  it('SPM scan returns one float32 image per channel with its physical frame', () =>
    withLab(async () => {
      await orch.run('afm', 'loadSample', { sampleId: 'ref-strong' });
      const scan = await orch.run('afm', 'scan', { sizeNm: 1000, pixels: 32, lineRateHz: 2, channels: ['height', 'pfmPhase'], xNm: 2000, yNm: 3000 });
      expect(scan.data.map((d) => d.header.channel)).toEqual(['height', 'pfmPhase']);
      expect(scan.data[0].header).toMatchObject({ kind: 'image', dtype: 'float32', shape: [32, 32], units: 'nm', pixelSizeNm: 1000 / 32, originNm: { xNm: 1500, yNm: 2500 } });
      expect(scan.data[0].payload.length).toBe(32 * 32 * 4);
      const phase = float32Values(scan.data[1].payload);
      // Both polarizations appear on a strong ferroelectric.
      expect(phase.some((deg) => deg > 90) && phase.some((deg) => deg < 90)).toBe(true);
      const iv = await orch.run('afm', 'ivCurve', { xNm: 2000, yNm: 3000, vMaxV: 2, points: 16 });
      expect(iv.data[0].header).toMatchObject({ shape: [2, 16], rows: ['biasV', 'currentPa'] });
    }));

  it('SPM scan records a c-AFM current map at the read bias, limited by the envelope biasV', () =>
    withLab(
      async () => {
        await orch.run('afm', 'loadSample', { sampleId: 'ref-strong' });
        const scan = await orch.run('afm', 'scan', { sizeNm: 1000, pixels: 16, lineRateHz: 2, channels: ['pfmPhase', 'current'], readBiasV: 1.5, xNm: 2000, yNm: 3000 });
        expect(scan.data.map((d) => d.header.channel)).toEqual(['pfmPhase', 'current']);
        expect(scan.data[1].header).toMatchObject({ kind: 'image', units: 'pA', shape: [16, 16] });
        // A positive read bias drives a positive current through the film, well above the noise.
        expect(float32Values(scan.data[1].payload).every((pa) => pa > 0)).toBe(true);
        const tooHigh = await orch.run('afm', 'scan', { sizeNm: 1000, pixels: 16, lineRateHz: 2, channels: ['current'], readBiasV: 3 });
        expect(tooHigh.ack?.reason).toMatchObject({ code: 'validation', field: 'readBiasV' });
        // Without a current map the read bias never reaches the tip: nothing to limit.
        expect((await orch.run('afm', 'scan', { sizeNm: 1000, pixels: 16, lineRateHz: 2, channels: ['height'], readBiasV: 3 })).result?.status).toBe('succeeded');
      },
      { ...labOptions(), instruments: [{ id: 'afm', kind: 'spm', transport: { type: 'mqtt' }, envelope: { biasV: { min: -2, max: 2 } } }] },
    ));

  it('the same seed and the same commands give identical data bytes', async () => {
    const campaign = async (): Promise<Buffer[]> =>
      withLab(async () => {
        await orch.run('robot', 'synthesize', { sampleId: 's-det', recipe });
        await orch.run('robot', 'handover', { sampleId: 's-det', to: 'afm' });
        const loop = await orch.run('afm', 'hysteresisLoop', { xNm: 700, yNm: 800, vMaxV: 8, cycles: 1, points: 32 });
        const scan = await orch.run('afm', 'scan', { sizeNm: 500, pixels: 16, lineRateHz: 5 });
        await orch.run('stem', 'loadSample', { sampleId: 'ref-strong' });
        const frame = await orch.run('stem', 'scan', { fovNm: 4, pixels: 32, dwellUs: 2 });
        return [...loop.data, ...scan.data, ...frame.data].map((d) => d.payload);
      });
    const first = await campaign();
    const second = await campaign();
    expect(first).toHaveLength(5);
    first.forEach((bytes, i) => expect(bytes.equals(second[i])).toBe(true));
  });

  it('a tip change opens a problem that blocks measurements until cleared', () =>
    withLab(
      async (lab) => {
        await orch.run('afm', 'loadSample', { sampleId: 'ref-strong' });
        const loop = await orch.run('afm', 'hysteresisLoop', { xNm: 100, yNm: 100, vMaxV: 5, cycles: 1, points: 16 });
        expect(loop.result?.status).toBe('succeeded');
        expect(lab.twin('afm').problems).toEqual(['tip_changed']);
        expect(orch.latestStatus('afm')).toMatchObject({ ready: false, problems: ['tip_changed'] });
        expect((await orch.run('afm', 'hysteresisLoop', { xNm: 100, yNm: 100, vMaxV: 5, cycles: 1, points: 16 })).ack?.reason?.code).toBe('interlock');
        await orch.run('afm', 'clearProblem', { problem: 'tip_changed' });
        expect(lab.twin('afm').problems).toEqual([]);
      },
      { ...labOptions(), world: { spm: { tipChangeProbability: 1 } } },
    ));

  it('STEM: frame with dose bookkeeping, frame-time envelope, confirmed optics, EELS', () =>
    withLab(async (lab) => {
      await orch.run('stem', 'loadSample', { sampleId: 'ref-strong' });
      const frame = await orch.run('stem', 'scan', { fovNm: 8, pixels: 64, dwellUs: 5, detector: 'haadf' });
      expect(frame.data[0].header).toMatchObject({ kind: 'image', channel: 'haadf', shape: [64, 64], pixelSizeNm: 8 / 64 });
      const dose = (frame.result?.outputs as JsonObject).doseEPerA2 as number;
      expect(dose).toBeGreaterThan(0);
      expect(lab.world.sample('ref-strong')?.totalDoseEPerA2).toBeCloseTo(dose);
      expect(orch.latestStatus('stem')?.telemetry).toMatchObject({ beamBlanked: true });

      const tooLong = await orch.run('stem', 'scan', { fovNm: 8, pixels: 2048, dwellUs: 50 });
      expect(tooLong.ack?.reason).toMatchObject({ code: 'validation', field: 'dwellUs' });
      expect((await orch.run('stem', 'setOptics', { name: 'defocusNm', value: 5, toleranceAbs: 5 })).result?.outputs).toMatchObject({ name: 'defocusNm' });
      const unconfirmed = await orch.run('stem', 'setOptics', { name: 'defocusNm', value: 5, toleranceAbs: 1e-9 });
      expect(unconfirmed.result).toMatchObject({ status: 'failed', error: { code: 'not_confirmed' } });
      expect((await orch.run('stem', 'setOptics', { name: 'warpDrive', value: 1, toleranceAbs: 1 })).ack?.reason?.field).toBe('name');

      const eels = await orch.run('stem', 'eels', { xNm: 1000, yNm: 1000, dwellMs: 20 });
      expect(eels.data[0].header).toMatchObject({ kind: 'spectrum', rows: ['energyLossEv', 'counts'] });
      expect((await orch.run('stem', 'moveStage', { xUm: 5000, yUm: 0 })).ack?.reason?.field).toBe('xUm');
    }));

  it('the dose budget rejects an acquisition that would exceed it', () =>
    withLab(
      async () => {
        await orch.run('stem', 'loadSample', { sampleId: 'ref-strong' });
        const params = { fovNm: 4, pixels: 32, dwellUs: 20 };
        expect((await orch.run('stem', 'scan', params)).result?.status).toBe('succeeded');
        expect((await orch.run('stem', 'scan', params)).ack?.reason).toMatchObject({ code: 'validation', field: 'dwellUs' });
        // Elsewhere on the sample the budget is untouched.
        expect((await orch.run('stem', 'scan', { ...params, xNm: 100, yNm: 100 })).result?.status).toBe('succeeded');
      },
      { ...labOptions(), instruments: [{ id: 'stem', kind: 'stem', transport: { type: 'mqtt' }, envelope: { doseBudgetEPerA2: { max: 3000 } } }] },
    ));

  it('appends every executed command to the ledger file, start and end', async () => {
    const ledgerPath = join(mkdtempSync(join(tmpdir(), 'ledger-')), 'ledger.jsonl');
    await withLab(
      async () => {
        await orch.run('afm', 'describe', {}, { cmdId: 'c-ledger' });
        await orch.run('afm', 'levitate'); // rejected: never executed
      },
      { ...labOptions(), ledgerPath },
    );
    const lines = readFileSync(ledgerPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { cmdId: string; status: string });
    expect(lines.map((l) => [l.cmdId, l.status])).toEqual([
      ['c-ledger', 'running'],
      ['c-ledger', 'succeeded'],
    ]);
  });
});
