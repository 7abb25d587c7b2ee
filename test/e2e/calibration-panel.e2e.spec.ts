import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../apps/orchestrator/src/auth/passwords';
import type { Orchestrator } from '../../apps/orchestrator/src/bootstrap';
import type { CampaignCalibration } from '../../apps/orchestrator/src/report';
import { launchChromium, signInAs } from '../support/browser';
import { campaignText, ROOT, startTestOrchestrator, testLab } from '../support/lab';

const SHOTS = join(ROOT, 'test-results', 'e2e');
const PASSWORD = 'correct horse battery';

describe('the calibration panel of the dashboard', () => {
  let orchestrator: Orchestrator;
  let browser: Browser;
  let page: Page;
  let cleanup: () => void;
  let campaignId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const lab = testLab();
    cleanup = lab.cleanup;
    lab.lab.config.auth.users = [{ name: 'vic', role: 'viewer', passwordHash: await hashPassword(PASSWORD) }];
    orchestrator = await startTestOrchestrator(lab.lab, { http: true });
    const text = campaignText('config/campaigns/demo.yaml', (t) => t.replace('experiments: 24', 'experiments: 8').replace('batchSize: 1', 'batchSize: 1\n  options: { initialDesign: 4 }'));
    const row = await orchestrator.campaigns.create({ file: 'demo.yaml', text, seed: 1 });
    campaignId = row.id;
    await (await orchestrator.campaigns.start(row.id)).done;
    browser = await launchChromium();
    page = await signInAs(browser, `${orchestrator.url}/`, 'vic', PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await orchestrator?.close();
    cleanup?.();
  });

  it('answers GET /api/campaigns/:id/calibration to a viewer, and nothing without a session', async () => {
    const url = `${orchestrator.url}/api/campaigns/${campaignId}/calibration`;
    expect((await fetch(url)).status).toBe(401);
    const token = await page.evaluate<string>(`localStorage.getItem('lab.token')`);
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as CampaignCalibration;
    expect(body.objectives[0].objective).toBe('loop_area');
    expect(body.objectives[0].pairs.length).toBeGreaterThan(0);
    expect(body.nominal.within2Sd).toBeCloseTo(0.9545, 4);
    expect((await fetch(`${orchestrator.url}/api/campaigns/nope/calibration`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it('draws predicted against measured with the shares within 1 and 2 sd', async () => {
    await page.waitForSelector('#calibration-card:not([hidden])', { timeout: 15_000 });
    expect(await page.locator('#calibration-numbers').innerText()).toMatch(/within 1 sd \d+% \(nominal 68%\).*within 2 sd \d+% \(nominal 95%\)/);
    const box = await page.locator('#calibration-plot').boundingBox();
    expect(box?.width).toBeGreaterThan(100);
    await page.locator('#calibration-card').screenshot({ path: join(SHOTS, 'calibration-panel.png') });
  });
});
