import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../apps/orchestrator/src/auth/passwords';
import type { Orchestrator } from '../../apps/orchestrator/src/bootstrap';
import { CommandLogEntity, ExperimentEntity } from '../../apps/orchestrator/src/persistence/entities';
import { launchChromium, signInAs } from '../support/browser';
import { ROOT, startTestOrchestrator, testLab } from '../support/lab';

const SHOTS = join(ROOT, 'test-results', 'e2e');
const PASSWORD = 'correct horse battery';

describe('the dashboard in Chromium', () => {
  let orchestrator: Orchestrator;
  let browser: Browser;
  let page: Page;
  let cleanup: () => void;
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  const status = () => page.locator('#campaign-title .badge').innerText();
  const statusIs = (value: string) => `document.querySelector('#campaign-title .badge')?.textContent === '${value}'`;
  const commands = () => orchestrator.runtime.db.getRepository(CommandLogEntity).count();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const lab = testLab({ timeScale: 0.0002 });
    cleanup = lab.cleanup;
    const hash = await hashPassword(PASSWORD);
    lab.lab.config.auth.users = [
      { name: 'tess', role: 'technician', passwordHash: hash },
      { name: 'vic', role: 'viewer', passwordHash: hash },
    ];
    orchestrator = await startTestOrchestrator(lab.lab, { http: true });
    browser = await launchChromium();
    page = await signInAs(browser, `${orchestrator.url}/`, 'tess', PASSWORD);
    page.on('dialog', (dialog) => dialog.accept('checked by the e2e test'));
  });

  afterAll(async () => {
    await browser?.close();
    await orchestrator?.close();
    cleanup?.();
  });

  it('shows a campaign started from the dashboard making progress', async () => {
    await page.click('#start-form button[type=submit]');
    await page.waitForSelector('#experiments tbody tr[data-index="1"]');
    expect(await page.locator('#instruments li').count()).toBe(3);
    await shot('01-running');
  });

  it('pauses at a checkpoint: nothing is sent while paused; resume goes on', async () => {
    await page.click('button[data-control="pause"]');
    await page.waitForFunction(statusIs('paused'), null, { timeout: 30_000 });
    const before = await commands();
    await page.waitForTimeout(1500);
    expect(await commands()).toBe(before);
    await shot('02-paused');
    await page.click('button[data-control="resume"]');
    await page.waitForFunction(statusIs('running'));
    await expect.poll(commands, { timeout: 20_000 }).toBeGreaterThan(before);
  });

  it('aborts the campaign after a confirmation', async () => {
    await page.click('button[data-control="abort"]');
    await page.waitForFunction(statusIs('aborted'), null, { timeout: 30_000 });
    expect(await status()).toBe('aborted');
  });

  it('waits for approval, runs an edited proposal, and replaces a rejected one', async () => {
    await page.fill('#start-form input[name=file]', 'demo-approval.yaml');
    await page.click('#start-form button[type=submit]');
    const card = page.locator('.approval').first();
    await card.waitFor({ timeout: 30_000 });
    await shot('03-approval');
    const experimentId = await card.getAttribute('data-experiment');
    await card.locator('input[name=annealTempC]').fill('650');
    await card.locator('input[name=annealTimeMin]').fill('20');
    await card.locator('button[data-action=approve]').click();
    const experiments = orchestrator.runtime.db.getRepository(ExperimentEntity);
    await expect.poll(async () => (await experiments.findOneBy({ id: experimentId ?? '' }))?.status, { timeout: 30_000 }).toMatch(/running|succeeded|failed/);
    const approved = await experiments.findOneByOrFail({ id: experimentId ?? '' });
    expect(approved.params.annealTempC).toBe(650);
    expect(approved.approvedBy).toBe('user:tess');

    const next = page.locator('.approval').first();
    await next.waitFor({ timeout: 60_000 });
    const rejectedId = await next.getAttribute('data-experiment');
    await next.locator('button[data-action=reject]').click();
    await expect.poll(async () => (await experiments.findOneBy({ id: rejectedId ?? '' }))?.status, { timeout: 10_000 }).toBe('rejected');
    await page.locator(`.approval:not([data-experiment="${rejectedId}"])`).first().waitFor({ timeout: 30_000 });
  });

  it('emergency stop puts every twin in its safe state, latched until reset with a reason', async () => {
    await page.click('#estop');
    await page.waitForSelector('#estop-banner:not([hidden])');
    await expect.poll(() => page.locator('#instruments li[data-state="estopped"]').count(), { timeout: 10_000 }).toBe(3);
    const sim = orchestrator.runtime.sim;
    expect(sim?.twin('afm').estopped).toBe(true);
    const afm = orchestrator.runtime.instruments.get('afm')?.view.telemetry;
    const stem = orchestrator.runtime.instruments.get('stem')?.view.telemetry;
    expect(afm?.tipEngaged).toBe(false);
    expect(afm?.biasV).toBe(0);
    expect(stem?.beamBlanked).toBe(true);
    await shot('04-estop');
    await page.click('#estop-reset');
    await page.waitForSelector('#estop-banner', { state: 'hidden' });
    await expect.poll(() => page.locator('#instruments li[data-state="estopped"]').count(), { timeout: 10_000 }).toBe(0);
    expect(await status()).toMatch(/paused|awaiting_approval/);
  });

  it("refuses a viewer's pause and says so", async () => {
    const viewer = await signInAs(browser, `${orchestrator.url}/`, 'vic', PASSWORD);
    await viewer.click('button[data-control="pause"]');
    await viewer.waitForSelector('#toast.error');
    expect(await viewer.locator('#toast').innerText()).toMatch(/refused: viewer 'vic' may not pause/);
    await viewer.screenshot({ path: join(SHOTS, '05-viewer-refused.png') });
    await viewer.close();
  });
});
