import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeDataFrame } from '@lab/drivers';
import { columnsIn } from '@lab/simulations';
import { describe, expect, it } from 'vitest';
import { CampaignEntity, ExperimentEntity, MeasurementEntity } from '../../apps/orchestrator/src/persistence/entities';
import { columnsInNm, identifyVacancies, MATCH_TOLERANCE_LATTICE } from '../../bench/campaigns/stem-identify';
import { campaignText, startTestOrchestrator, testLab } from '../support/lab';

describe('STEM defect hunt under a dose budget', () => {
  it('chooses tiles of a segmented low-dose overview and stops before the dose budget is exceeded', async () => {
    const { lab, cleanup } = testLab();
    const orchestrator = await startTestOrchestrator(lab);
    try {
      const text = campaignText('config/campaigns/stem-defect-hunt.yaml', (t) => t.replace('doseEPerA2: 31000', 'doseEPerA2: 8000'));
      const row = await orchestrator.campaigns.create({ file: 'stem-defect-hunt.yaml', text, seed: 2 });
      const summary = await (await orchestrator.campaigns.start(row.id)).done;
      expect(summary.status).toBe('completed');
      const db = orchestrator.runtime.db;
      const campaign = await db.getRepository(CampaignEntity).findOneByOrFail({ id: row.id });
      expect(campaign.statusReason).toMatch(/of 8000 e\/A\^2 spent( \(1 running\))?; the next experiment/);

      // The twin's own account of the dose it put on the sample, from its last acquisition.
      const scans = (orchestrator.runtime.sim?.ledger() ?? []).filter((l) => l.idempotencyKey.startsWith(row.id) && l.action === 'scan');
      const sampleDose = Number(scans[scans.length - 1].outputs?.sampleDoseEPerA2);
      expect(sampleDose).toBeLessThanOrEqual(8000);
      const tileDose = Number(scans[scans.length - 1].outputs?.doseEPerA2);
      expect(sampleDose).toBeGreaterThan(8000 - 2 * tileDose);

      // Every tile image was read by the model and its vacancies became the objective.
      const experiments = await db.getRepository(ExperimentEntity).findBy({ campaignId: row.id, status: 'succeeded' });
      expect(experiments.length).toBe(scans.length - 1);
      const images = await db.getRepository(MeasurementEntity).findBy({ campaignId: row.id, stepId: 'image' });
      for (const e of experiments) {
        expect(e.objectives?.vacancy_count).toBe(images.find((m) => m.experimentId === e.id)?.features.vacancy_count);
      }
      // Tiles, not arbitrary points: every location is the centre of an 8 nm tile of the overview.
      for (const e of experiments) expect((Number(e.params.xNm) - 968) % 8).toBe(4);

      // What the model reported in the tiles is mostly what is there: its vacancies sit on the
      // twin's vacant columns (bench/campaigns/stem.ts measures 0.79 and 0.87 at this dose). The
      // truth is the lattice after the campaign: a tile's own dose knocks out under 1 column in 1,000.
      const world = orchestrator.runtime.sim?.world;
      const made = (orchestrator.runtime.sim?.ledger() ?? []).find((l) => l.idempotencyKey.startsWith(row.id) && l.action === 'synthesize');
      const sample = world?.sample(String(made?.outputs?.sampleId));
      if (!world || !sample) throw new Error('the twin holds no sample of this campaign');
      let truePositives = 0;
      let reported = 0;
      let trueVacancies = 0;
      for (const image of images) {
        const frame = decodeDataFrame(readFileSync(join(orchestrator.runtime.blobs.root, image.files[0].path)));
        const { atoms } = await orchestrator.runtime.vision().features(frame, { atoms: true, overlay: false });
        const { pixelSizeNm = 1, originNm = { xNm: 0, yNm: 0 }, shape } = frame.header;
        const window = { x0Nm: originNm.xNm, y0Nm: originNm.yNm, x1Nm: originNm.xNm + shape[0] * pixelSizeNm, y1Nm: originNm.yNm + shape[0] * pixelSizeNm };
        const scored = identifyVacancies(columnsInNm(atoms ?? [], frame.header), columnsIn(world.params, sample, window), MATCH_TOLERANCE_LATTICE * world.params.stem.latticeNm);
        expect(scored.reported).toBe(image.features.vacancy_count);
        truePositives += scored.truePositives;
        reported += scored.reported;
        trueVacancies += scored.trueVacancies;
      }
      expect(truePositives / reported).toBeGreaterThan(0.7);
      expect(truePositives / trueVacancies).toBeGreaterThan(0.8);
    } finally {
      await orchestrator.close();
      cleanup();
    }
  }, 120_000);
});
