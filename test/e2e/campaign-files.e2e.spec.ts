import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../apps/orchestrator/src/auth/passwords';
import type { Orchestrator } from '../../apps/orchestrator/src/bootstrap';
import { CampaignEntity } from '../../apps/orchestrator/src/persistence/entities';
import { launchChromium, signInAs } from '../support/browser';
import { ROOT, startTestOrchestrator, testLab } from '../support/lab';

const SHOTS = join(ROOT, 'test-results', 'e2e');
const PASSWORD = 'correct horse battery';

describe('the self-driving campaigns, started by name from the dashboard', () => {
  let orchestrator: Orchestrator;
  let browser: Browser;
  let page: Page;
  let cleanup: () => void;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const lab = testLab({ timeScale: 0.00002 });
    cleanup = lab.cleanup;
    lab.lab.config.auth.users = [{ name: 'tess', role: 'technician', passwordHash: await hashPassword(PASSWORD) }];
    // Nobody clears a tip change in this test.
    lab.lab.config.simulation.world = { spm: { tipChangeProbability: 0 } };
    orchestrator = await startTestOrchestrator(lab.lab, { http: true });
    browser = await launchChromium();
    page = await signInAs(browser, `${orchestrator.url}/`, 'tess', PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await orchestrator?.close();
    cleanup?.();
  });

  it('offers every shipped campaign file in the start form', async () => {
    await expect.poll(() => page.locator('#campaign-files option').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    const offered = await page.locator('#campaign-files option').evaluateAll((options) => options.map((o) => o.getAttribute('value')));
    expect(offered).toEqual(expect.arrayContaining(['pfm-active-learning.yaml', 'stem-defect-hunt.yaml', 'synthesis-bo.yaml']));
  });

  const objectives: Record<string, string> = { 'stem-defect-hunt.yaml': 'vacancy_count', 'pfm-active-learning.yaml': 'loop_area', 'synthesis-bo.yaml': 'vacancy_fraction' };
  for (const [file, objective] of Object.entries(objectives)) {
    it(`runs ${file} to its end, its convergence plotted against ${objective}`, async () => {
      await page.fill('#start-form input[name=file]', file);
      await page.click('#start-form button[type=submit]');
      const campaigns = orchestrator.runtime.db.getRepository(CampaignEntity);
      const name = file.replace('.yaml', '');
      await expect.poll(async () => (await campaigns.findOneBy({ name }))?.status, { timeout: 200_000, interval: 500 }).toBe('completed');
      await page.waitForFunction(`document.querySelector('#campaign-title .badge')?.textContent === 'completed'`, null, { timeout: 10_000 });
      expect(await page.locator('#convergence').getAttribute('aria-label')).toBe(`convergence of ${objective} over experiments`);
      await page.screenshot({ path: join(SHOTS, `campaign-${name}.png`) });
    }, 240_000);
  }
});
