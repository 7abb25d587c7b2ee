import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CampaignEntity, ExperimentEntity, MeasurementEntity } from '../../apps/orchestrator/src/persistence/entities';
import { campaignText, startTestOrchestrator, testLab } from '../support/lab';

/**
 * A real full disk: the lab's data directory on a 4 MB tmpfs (mounting needs root, as on the CI
 * machine), filled to the last block before the campaign measures anything.
 */
describe('a disk that fills up', () => {
  it('pauses with an alert while measurements wait in memory, then stores them all and goes on', async () => {
    const { lab, dir, cleanup } = testLab();
    const dataDir = join(dir, 'small-disk');
    mkdirSync(dataDir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dataDir]);
    lab.config.dataDir = dataDir;
    const filler = join(dataDir, 'filler');
    const orchestrator = await startTestOrchestrator(lab);
    try {
      const alerts: string[] = [];
      orchestrator.runtime.events.events$.subscribe((e) => e.type === 'alert' && alerts.push(String((e.data as { code?: string }).code)));
      // Fill the disk: 64 KB chunks until the filesystem refuses.
      const chunk = Buffer.alloc(64 * 1024, 1);
      const parts: string[] = [];
      for (let i = 0; ; i++) {
        try {
          writeFileSync(`${filler}-${i}`, chunk);
          parts.push(`${filler}-${i}`);
        } catch (error) {
          expect((error as { code?: string }).code).toBe('ENOSPC');
          break;
        }
      }
      const text = campaignText('config/campaigns/synthesis-stem.yaml', (t) => t.replace('experiments: 24', 'experiments: 3').replace('kind: gp-ei', 'kind: gp-ei\n  options: { initialDesign: 2 }'));
      const row = await orchestrator.campaigns.create({ file: 'synthesis-stem.yaml', text, seed: 5 });
      const run = await orchestrator.campaigns.start(row.id);
      const campaigns = orchestrator.runtime.db.getRepository(CampaignEntity);
      await expect.poll(async () => (await campaigns.findOneByOrFail({ id: row.id })).statusReason, { timeout: 30_000 }).toMatch(/disk full/);
      expect((await campaigns.findOneByOrFail({ id: row.id })).status).toBe('paused');
      expect(alerts).toContain('disk_full');

      for (const part of parts) rmSync(part);
      const summary = await run.done;
      expect(summary.status).toBe('completed');
      expect(alerts).toContain('disk_full_cleared');

      // Nothing lost: every experiment has its image stored, byte for byte what its hash says.
      const experiments = await orchestrator.runtime.db.getRepository(ExperimentEntity).findBy({ campaignId: row.id });
      const images = await orchestrator.runtime.db.getRepository(MeasurementEntity).findBy({ campaignId: row.id, stepId: 'image' });
      expect(images.length).toBe(experiments.filter((e) => e.status === 'succeeded').length);
      expect(images.length).toBeGreaterThan(0);
      for (const image of images) {
        for (const file of image.files) {
          expect(createHash('sha256').update(readFileSync(join(dataDir, file.path))).digest('hex')).toBe(file.sha256);
        }
      }
    } finally {
      await orchestrator.close();
      execFileSync('umount', [dataDir]);
      cleanup();
    }
  }, 120_000);
});
