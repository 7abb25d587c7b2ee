import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeDataFrame } from '@lab/drivers';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCampaign } from '../../apps/orchestrator/src/export/export-campaign';
import { loadH5wasm } from '../../apps/orchestrator/src/export/h5wasm-loader';
import { replayBundle } from '../../apps/orchestrator/src/export/replay-bundle';
import { ExperimentEntity, MeasurementEntity } from '../../apps/orchestrator/src/persistence/entities';
import { campaignText, startTestOrchestrator, testLab } from '../support/lab';

/** Run a short campaign on the twins and export it; the bundle lives in the test's temporary directory. */
async function runAndExport(file: string, text: string, seed: number) {
  const { lab, dir, cleanup } = testLab({ seed });
  const orchestrator = await startTestOrchestrator(lab, { seed });
  try {
    const row = await orchestrator.campaigns.create({ file, text, seed });
    const summary = await (await orchestrator.campaigns.start(row.id)).done;
    const db = orchestrator.runtime.db;
    const bundle = join(dir, 'bundle');
    const result = await exportCampaign(db, orchestrator.runtime.blobs.root, row.id, bundle);
    return {
      summary,
      bundle,
      result,
      cleanup,
      blobsRoot: orchestrator.runtime.blobs.root,
      experiments: await db.getRepository(ExperimentEntity).find({ where: { campaignId: row.id }, order: { index: 'ASC' } }),
      measurements: await db.getRepository(MeasurementEntity).find({ where: { campaignId: row.id } }),
    };
  } finally {
    await orchestrator.close();
  }
}

describe('campaign export to a NeXus bundle, and offline replay of the planner', () => {
  const stem = runAndExport(
    'synthesis-stem.yaml',
    campaignText('config/campaigns/synthesis-stem.yaml', (t) => t.replace('experiments: 24', 'experiments: 5').replace('kind: gp-ei', 'kind: gp-ei\n  options: { initialDesign: 2 }')),
    6,
  );
  afterAll(async () => (await stem).cleanup());

  it('writes every HAADF frame into campaign.nxs bit for bit, with nm axes and provenance attributes', async () => {
    const { summary, bundle, measurements, blobsRoot, experiments } = await stem;
    expect(summary.status).toBe('completed');
    const h5 = await loadH5wasm();
    const file = new h5.File(join(bundle, 'campaign.nxs'), 'r');
    try {
      expect((file.get('campaign') as InstanceType<typeof h5.Group>).attrs.NX_class.value).toBe('NXentry');
      const images = measurements.filter((m) => m.stepId === 'image');
      expect(images.length).toBeGreaterThan(0);
      for (const image of images) {
        const experiment = experiments.find((e) => e.id === image.experimentId) as ExperimentEntity;
        const stored = image.files[0];
        const path = `campaign/experiment_${String(experiment.index).padStart(4, '0')}/image/${stored.channel}`;
        const group = file.get(path) as InstanceType<typeof h5.Group>;
        expect(group.attrs.NX_class.value).toBe('NXdata');
        expect(group.attrs.signal.value).toBe('data');
        expect(group.attrs.model_sha256.value).toBe((stored.analysis?.model as { sha256: string }).sha256);
        expect(group.attrs.cmd_id.value).toBe(image.cmdId);
        expect(group.attrs.sample_id.value).toBe(experiment.sampleId);
        const frame = decodeDataFrame(readFileSync(join(blobsRoot, stored.path)));
        const data = file.get(`${path}/data`) as InstanceType<typeof h5.Dataset>;
        expect(data.shape).toEqual(frame.header.shape);
        const values = data.value as Float32Array;
        expect(Buffer.from(values.buffer, values.byteOffset, values.byteLength).equals(Buffer.from(frame.values.buffer, frame.values.byteOffset, frame.values.byteLength))).toBe(true);
        const x = (file.get(`${path}/x`) as InstanceType<typeof h5.Dataset>).value as Float64Array;
        expect(x).toHaveLength(frame.header.shape[1]);
        expect(x[1] - x[0]).toBeCloseTo(frame.header.pixelSizeNm as number, 12);
        expect((file.get(`${path}/x`) as InstanceType<typeof h5.Dataset>).attrs.units.value).toBe('nm');
      }
    } finally {
      file.close();
    }
  });

  it('writes one CSV row per experiment and a manifest that names every file', async () => {
    const { bundle, experiments, result } = await stem;
    const lines = readFileSync(join(bundle, 'experiments.csv'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(experiments.length + 1);
    expect(lines[0].split(',')).toEqual(expect.arrayContaining(['index', 'status', 'fracA', 'annealTempC', 'predicted_vacancy_fraction_mean', 'predicted_vacancy_fraction_sd', 'vacancy_fraction']));
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { files: Record<string, unknown>; planner: { kind: string; seed: number } };
    expect(Object.keys(manifest.files).sort()).toEqual(['audit.json', 'campaign.nxs', 'commands.json', 'config-v1.yaml', 'experiments.csv', 'experiments.json']);
    expect(manifest.planner).toMatchObject({ kind: 'gp-ei', seed: 6 });
    expect(result.files.map((f) => f.name)).toContain('manifest.json');
  });

  it('replays the planner to the same proposals, bit for bit', async () => {
    const { bundle, experiments } = await stem;
    const report = await replayBundle(bundle);
    expect(report.verdict).toBe('identical');
    expect(report.compared).toBe(experiments.length);
    expect(report.steps.map((s) => s.replayed)).toEqual(experiments.map((e) => e.params));
    // Past the initial design the replayed prediction is the recorded one too.
    expect(report.steps.map((s) => s.replayedPredicted)).toEqual(experiments.map((e) => e.predicted.vacancy_fraction ?? null));
  });

  it('refuses a tampered bundle, naming the file', async () => {
    const { bundle } = await stem;
    const csv = join(bundle, 'experiments.csv');
    const original = readFileSync(csv);
    appendFileSync(csv, '99,forged\n');
    try {
      await expect(replayBundle(bundle)).rejects.toThrow(/experiments\.csv: checksum mismatch/);
    } finally {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(csv, original);
    }
    await expect(replayBundle(bundle)).resolves.toMatchObject({ verdict: 'identical' });
  });

  it('replays a campaign that chose among candidate locations of a setup overview, from the stored candidate set', async () => {
    const pfm = await runAndExport(
      'pfm.yaml',
      campaignText('config/campaigns/pfm-active-learning.yaml', (t) => t.replace('experiments: 40', 'experiments: 8').replace('grid: 32', 'grid: 8').replace('initialDesign: 6', 'initialDesign: 3')),
      2,
    );
    try {
      expect(pfm.summary.status).toBe('completed');
      const candidates = JSON.parse(readFileSync(join(pfm.bundle, 'candidates.json'), 'utf8')) as { candidates: unknown[] };
      expect(candidates.candidates).toHaveLength(64);
      const report = await replayBundle(pfm.bundle);
      expect(report.candidates).toBe(64);
      expect(report.verdict).toBe('identical');
      expect(report.compared).toBe(pfm.experiments.length);
      // The setup overview and each loop are in the NeXus file too.
      const h5 = await loadH5wasm();
      const file = new h5.File(join(pfm.bundle, 'campaign.nxs'), 'r');
      try {
        expect(file.get('campaign/setup/overview/pfmPhase/data')).not.toBeNull();
        const loop = file.get('campaign/experiment_0000/loop') as InstanceType<typeof h5.Group>;
        const spectrum = loop.get(loop.keys().find((k) => k !== 'outputs' && k !== 'features') as string) as InstanceType<typeof h5.Group>;
        expect(spectrum.attrs.NX_class.value).toBe('NXdata');
        expect(spectrum.attrs.axes.value).toBe('biasV');
        expect((spectrum.get('biasV') as InstanceType<typeof h5.Dataset>).attrs.units.value).toBe('V');
      } finally {
        file.close();
      }
    } finally {
      pfm.cleanup();
    }
  });
});
