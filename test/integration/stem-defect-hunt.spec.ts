import { describe, expect, it } from 'vitest';
import { CampaignEntity, ExperimentEntity, MeasurementEntity } from '../../apps/orchestrator/src/persistence/entities';
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
      expect(sampleDose).toBeGreaterThan(8000 - 2 * 1920);

      // Every tile image was read by the model and its vacancies became the objective.
      const experiments = await db.getRepository(ExperimentEntity).findBy({ campaignId: row.id, status: 'succeeded' });
      expect(experiments.length).toBe(scans.length - 1);
      const images = await db.getRepository(MeasurementEntity).findBy({ campaignId: row.id, stepId: 'image' });
      for (const e of experiments) {
        expect(e.objectives?.vacancy_count).toBe(images.find((m) => m.experimentId === e.id)?.features.vacancy_count);
      }
      // Tiles, not arbitrary points: every location is the centre of an 8 nm tile of the overview.
      for (const e of experiments) expect((Number(e.params.xNm) - 968) % 8).toBe(4);
    } finally {
      await orchestrator.close();
      cleanup();
    }
  }, 120_000);
});
