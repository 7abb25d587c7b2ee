import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../apps/orchestrator/src/report';
import { launchChromium } from '../support/browser';
import { campaignText, ROOT, startTestOrchestrator, testLab } from '../support/lab';

const SHOTS = join(ROOT, 'test-results', 'e2e');

/** A short campaign on the twins and its report file. */
async function reportFile(file: string, edit: (text: string) => string, seed: number): Promise<{ path: string; cleanup: () => void }> {
  const { lab, dir, cleanup } = testLab({ seed });
  const orchestrator = await startTestOrchestrator(lab, { seed });
  try {
    const row = await orchestrator.campaigns.create({ file, text: campaignText(`config/campaigns/${file}`, edit), seed });
    await (await orchestrator.campaigns.start(row.id)).done;
    const path = join(dir, 'report.html');
    await writeReport({ db: orchestrator.runtime.db, campaignId: row.id, dataDir: lab.config.dataDir, outFile: path });
    return { path, cleanup };
  } finally {
    await orchestrator.close();
  }
}

const CASES = [
  {
    name: 'single objective (property map)',
    shot: 'report-single',
    file: 'demo.yaml',
    seed: 2,
    edit: (t: string) => t.replace('experiments: 24', 'experiments: 9').replace('batchSize: 1', 'batchSize: 1\n  options: { initialDesign: 4 }'),
    charts: 3,
  },
  {
    name: 'two objectives with images (Pareto front)',
    shot: 'report-pareto',
    file: 'synthesis-stem.yaml',
    seed: 6,
    edit: (t: string) =>
      t
        .replace('experiments: 24', 'experiments: 6')
        .replace('kind: gp-ei', 'kind: parego\n  options: { initialDesign: 3 }')
        .replace(/(objectives:\n(?:.*\n){3})/, '$1  - name: atom_count\n    direction: maximize\n    from: { step: image, feature: atom_count }\n'),
    charts: 5,
  },
];

describe('a campaign report opened from its file in Chromium', () => {
  let browser: Browser;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    for (const cleanup of cleanups) cleanup();
  });

  for (const c of CASES) {
    it(`renders every chart with no console error and no request outside the file: ${c.name}`, async () => {
      const { path, cleanup } = await reportFile(c.file, c.edit, c.seed);
      cleanups.push(cleanup);
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`file://${path}`);
      // Strings run in the page (this project compiles without the DOM types).
      await page.waitForFunction(`document.querySelectorAll('[data-rendered="true"]').length === ${c.charts}`, null, { timeout: 10_000 });

      const sizes = await page.$$eval('.chart', (charts) =>
        charts.map((chart) => {
          const canvas = chart.querySelector('canvas');
          const box = canvas?.getBoundingClientRect();
          return { id: chart.id, width: box?.width ?? 0, height: box?.height ?? 0 };
        }),
      );
      expect(sizes).toHaveLength(c.charts);
      for (const size of sizes) {
        expect(size.width, size.id).toBeGreaterThan(100);
        expect(size.height, size.id).toBeGreaterThan(100);
      }
      // The canvases hold drawings, not blank pixels: some pixel differs from the background.
      const painted = await page.evaluate<number[]>(`[...document.querySelectorAll('.chart canvas')].map((canvas) => {
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let ink = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink += 1;
        return ink;
      })`);
      expect(painted).toHaveLength(c.charts);
      for (const ink of painted) expect(ink).toBeGreaterThan(100);
      const images = await page.evaluate<number[]>(`[...document.querySelectorAll('#images img')].map((img) => img.naturalWidth)`);
      for (const width of images) expect(width).toBeGreaterThan(0);

      await page.screenshot({ path: join(SHOTS, `${c.shot}.png`), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests.filter((url) => !url.startsWith('data:') && url !== `file://${path}`)).toEqual([]);
      await page.close();
    });
  }
});
