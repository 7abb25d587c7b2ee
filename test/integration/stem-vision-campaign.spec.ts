import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExperimentEntity, MeasurementEntity } from '../../apps/orchestrator/src/persistence/entities';
import { campaignText, ROOT, startTestOrchestrator, testLab } from '../support/lab';

describe('a campaign objective computed by segmenting twin images', () => {
  it('minimizes the vacancy fraction the ONNX model counts in HAADF frames, with provenance', async () => {
    const { lab, cleanup } = testLab();
    const orchestrator = await startTestOrchestrator(lab);
    try {
      const text = campaignText('config/campaigns/synthesis-stem.yaml', (t) => t.replace('experiments: 24', 'experiments: 4').replace('kind: gp-ei', 'kind: gp-ei\n  options: { initialDesign: 2 }'));
      const row = await orchestrator.campaigns.create({ file: 'synthesis-stem.yaml', text, seed: 6 });
      const summary = await (await orchestrator.campaigns.start(row.id)).done;
      expect(summary.status).toBe('completed');
      const db = orchestrator.runtime.db;
      const card = JSON.parse(readFileSync(join(ROOT, 'models/stem-atoms-v1.card.json'), 'utf8')) as { sha256: string };
      const images = await db.getRepository(MeasurementEntity).findBy({ campaignId: row.id, stepId: 'image' });
      expect(images.length).toBeGreaterThan(0);
      for (const image of images) {
        expect(image.features.vacancy_fraction).toBeGreaterThanOrEqual(0);
        expect(image.features.atom_count).toBeGreaterThan(50);
        expect(image.files[0].analysis).toMatchObject({ task: 'atoms', method: 'model', model: { sha256: card.sha256 } });
      }
      const experiments = await db.getRepository(ExperimentEntity).findBy({ campaignId: row.id, status: 'succeeded' });
      // Provenance of one measurement: the planner and config behind it, its commands, the model that read it.
      const provenance = (await orchestrator.campaigns.provenance(experiments[0].id)) as Record<string, never>;
      expect(provenance.campaign).toMatchObject({ plannerKind: 'gp-ei', configSha256: row.configSha256 });
      expect((provenance.commands as { action: string }[]).map((c) => c.action)).toEqual(['synthesize', 'handover', 'scan']);
      expect(JSON.stringify(provenance.measurements)).toContain(card.sha256);
      for (const e of experiments) {
        const image = images.find((m) => m.experimentId === e.id);
        expect(e.objectives?.vacancy_fraction).toBe(image?.features.vacancy_fraction);
      }
    } finally {
      await orchestrator.close();
      cleanup();
    }
  });
});
