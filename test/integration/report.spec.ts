import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLANNERS_VERSION } from '@lab/planners';
import { afterAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../apps/orchestrator/src/cli/report.command';
import { CampaignEntity } from '../../apps/orchestrator/src/persistence/entities';
import { resolveCampaignId, writeReport } from '../../apps/orchestrator/src/report';
import { campaignText, ROOT, startTestOrchestrator, testLab } from '../support/lab';

/** Run a campaign on the twins, then write its report the way `lab report` does. */
async function reportOf(file: string, edit: (text: string) => string, seed = 3) {
  const { lab, dir, cleanup } = testLab({ seed });
  const orchestrator = await startTestOrchestrator(lab, { seed });
  try {
    const row = await orchestrator.campaigns.create({ file, text: campaignText(`config/campaigns/${file}`, edit), seed });
    const summary = await (await orchestrator.campaigns.start(row.id)).done;
    const outFile = join(dir, 'reports', `${row.id}.html`);
    await writeReport({ db: orchestrator.runtime.db, campaignId: row.id, dataDir: lab.config.dataDir, outFile });
    return { row, summary, html: readFileSync(outFile, 'utf8'), dir, dbFile: join(dir, 'lab.sqlite'), cleanup, orchestrator };
  } catch (error) {
    await orchestrator.close();
    cleanup();
    throw error;
  }
}

/** Every way a page could reach the network: nothing but inline data may load. */
function externalReferences(html: string): string[] {
  const patterns = [/<(?:script|img|iframe|link|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*["']?(?!data:|#)[^"'\s>]+/gi, /url\(\s*["']?(?!data:)[^)]+\)/gi, /@import/gi, /\bfetch\(/g, /XMLHttpRequest/g];
  return patterns.flatMap((p) => html.match(p) ?? []);
}

const chartsOf = (html: string): { kind: string; id: string }[] => JSON.parse(/<script type="application\/json" id="report-charts">(.*?)<\/script>/s.exec(html)?.[1] ?? '[]');

describe('lab report on a single-objective campaign run on the twins', () => {
  const run = reportOf('demo.yaml', (t) => t.replace('experiments: 24', 'experiments: 8').replace('batchSize: 1', 'batchSize: 1\n  options: { initialDesign: 4 }'));
  run.catch(() => undefined); // the tests report a failed run; this keeps it from also counting as unhandled
  afterAll(async () => {
    const { orchestrator, cleanup } = await run.catch(() => ({ orchestrator: null, cleanup: () => undefined }));
    await orchestrator?.close();
    cleanup();
  });

  it('has each section, a property map and no reference outside the file', async () => {
    const { html, summary } = await run;
    expect(summary.status).toBe('completed');
    for (const id of ['summary', 'best-result', 'convergence', 'property-map', 'calibration', 'decisions', 'provenance']) expect(html).toContain(`id="${id}"`);
    expect(html).not.toContain('id="pareto"');
    expect(chartsOf(html).map((c) => c.kind)).toEqual(['convergence', 'property-map', 'calibration']);
    expect(externalReferences(html)).toEqual([]);
    expect(html).toContain('uPlot');
  });

  it('lists every decision with its reason, and checks the model predictions against the measurements', async () => {
    const { html, orchestrator, row } = await run;
    const experiments = await orchestrator.campaigns.experiments(row.id);
    const rows = /<table class="decisions">.*?<tbody>(.*?)<\/tbody>/s.exec(html)?.[1].match(/<tr>/g) ?? [];
    expect(rows).toHaveLength(experiments.length);
    expect(html).toContain('initial design');
    const [calibration] = chartsOf(html).filter((c) => c.kind === 'calibration') as unknown as { points: unknown[] }[];
    const predicted = experiments.filter((e) => e.objectives && e.predicted.loop_area);
    expect(calibration.points).toHaveLength(predicted.length);
    expect(predicted.length).toBeGreaterThan(0);
    expect(html).toMatch(/within 1 sd<\/td><td>\d+%/);
  });

  it('records provenance: config hash, planner kind and version, seed', async () => {
    const { html, row } = await run;
    expect(html).toContain(row.configSha256);
    expect(html).toContain(`gp-ei version ${PLANNERS_VERSION}`);
    expect(html).toMatch(/<dt>seed<\/dt><dd>3<\/dd>/);
  });

  it('is written by the command from a unique prefix of the id, and refuses an unknown one', async () => {
    const { row, dbFile, dir, orchestrator } = await run;
    const lines: string[] = [];
    const io = { out: (l: string) => void lines.push(l), err: (l: string) => void lines.push(l) };
    const out = join(dir, 'by-command.html');
    expect(await reportCommand(row.id.slice(0, 8), { db: dbFile, out }, io)).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(row.id);
    expect(await reportCommand('zzzz', { db: dbFile, out }, io)).toBe(1);
    expect(lines.at(-1)).toMatch(/no campaign id starts with 'zzzz'/);
    // Two ids with the same start: the prefix must not pick one of them.
    const campaigns = orchestrator.runtime.db.getRepository(CampaignEntity);
    const copy = await campaigns.findOneByOrFail({ id: row.id });
    await campaigns.insert({ ...copy, id: `${row.id.slice(0, 8)}-copy` });
    await expect(resolveCampaignId(orchestrator.runtime.db, row.id.slice(0, 8))).rejects.toThrow(/ambiguous: 2 campaigns/);
    expect(await resolveCampaignId(orchestrator.runtime.db, row.id)).toBe(row.id);
  });
});

describe('lab report on a two-objective campaign with segmented images', () => {
  const twoObjectives = (t: string) =>
    t
      .replace('experiments: 24', 'experiments: 5')
      .replace('kind: gp-ei', 'kind: parego\n  options: { initialDesign: 3 }')
      .replace(/(objectives:\n(?:.*\n){3})/, '$1  - name: atom_count\n    direction: maximize\n    from: { step: image, feature: atom_count }\n');
  const run = reportOf('synthesis-stem.yaml', twoObjectives, 6);
  run.catch(() => undefined); // the tests report a failed run; this keeps it from also counting as unhandled
  afterAll(async () => {
    const { orchestrator, cleanup } = await run.catch(() => ({ orchestrator: null, cleanup: () => undefined }));
    await orchestrator?.close();
    cleanup();
  });

  it('shows the Pareto front, the frames with their overlays, and the model sha256', async () => {
    const { html, summary } = await run;
    expect(summary.status).toBe('completed');
    expect(chartsOf(html).map((c) => c.kind)).toEqual(['convergence', 'convergence', 'pareto', 'calibration', 'calibration']);
    expect(html).toContain('id="pareto"');
    expect(html).not.toContain('id="property-map"');
    expect(html).toContain('id="images"');
    expect(html).toMatch(/<img alt="experiment \d+ image" src="data:image\/png;base64,/);
    expect(html).toContain('class="overlay"');
    const card = JSON.parse(readFileSync(join(ROOT, 'models/stem-atoms-v1.card.json'), 'utf8')) as { sha256: string };
    expect(html).toContain(card.sha256);
    expect(externalReferences(html)).toEqual([]);
  });
});
