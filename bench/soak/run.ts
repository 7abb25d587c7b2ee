import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLab } from '@lab/config';
import { stringify } from 'yaml';
import { startOrchestrator } from '../../apps/orchestrator/src/bootstrap';
import { packageRoot } from '../../apps/orchestrator/src/package-root';
import { report, runContext } from '../support/report';

export interface SoakOptions {
  json: boolean;
  outFile: string;
  experiments: number;
}

/**
 * The soak: one long campaign on the fast clock, with an image per experiment going through
 * storage and analysis, sampling resident memory as it goes. A quasi-random planner keeps the
 * planner's own cost out of the measurement: this is about the orchestrator leaking, not the GP.
 */
const campaign = (experiments: number): string => `
name: soak
parameters:
  - { name: lineRateHz, type: continuous, lower: 1, upper: 8 }
objectives:
  - { name: image_mean, direction: maximize, from: { step: image, feature: image_mean } }
planner: { kind: sobol }
budget: { experiments: ${experiments} }
setup:
  - { id: make, instrument: robot, action: synthesize, params: { sampleId: "\${experiment.sampleId}", recipe: { fractions: { A: 0.5, B: 0.3, C: 0.2 }, annealTempC: 700, annealTimeMin: 30 } } }
  - { id: handover, instrument: robot, action: handover, params: { sampleId: "\${steps.make.sampleId}", to: afm } }
workflow:
  - { id: image, instrument: afm, action: scan, params: { sizeNm: 2000, pixels: 64, lineRateHz: "\${params.lineRateHz}", channels: [pfmPhase] } }
`;

/**
 * The twins run in their own process (`lab sim`), as instruments would: the resident memory
 * measured here is the orchestrator's alone.
 */
async function startTwins(root: string, labFile: string, brokerUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(root, 'bin/lab.js'), 'sim', '--lab', labFile, '--broker', brokerUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('online') && resolve());
    child.once('exit', (code) => reject(new Error(`lab sim exited with ${code}`)));
  });
  return child;
}

export async function runSoak(opts: SoakOptions): Promise<void> {
  const root = packageRoot();
  const dir = mkdtempSync(join(tmpdir(), 'lab-soak-'));
  const lab = loadLab(join(root, 'config/lab.yaml'));
  lab.config.broker.embeddedPort = 0;
  lab.config.database.url = `sqlite:${join(dir, 'soak.sqlite')}`;
  lab.config.dataDir = join(dir, 'data');
  lab.config.simulation = { ...lab.config.simulation, enabled: false, timeScale: 0.00001 };
  // A tip change waits for a technician, and nobody is watching a soak.
  lab.config.simulation.world = { spm: { tipChangeProbability: 0 } };
  const labFile = join(dir, 'lab.yaml');
  writeFileSync(labFile, stringify(lab.config));
  const orchestrator = await startOrchestrator({ lab, baseDir: root, http: false, simulate: false });
  const twins = await startTwins(root, labFile, orchestrator.runtime.brokerUrl);
  const samples: { experiments: number; rssMb: number; heapMb: number; elapsedS: number }[] = [];
  const started = Date.now();
  const sample = (experiments: number): void => {
    const { rss, heapUsed } = process.memoryUsage();
    samples.push({ experiments, rssMb: rss / 2 ** 20, heapMb: heapUsed / 2 ** 20, elapsedS: (Date.now() - started) / 1000 });
    if (!opts.json && experiments % 1000 === 0) console.log(`${experiments} experiments, rss ${(rss / 2 ** 20).toFixed(1)} MB`);
  };
  try {
    const row = await orchestrator.campaigns.create({ file: 'soak.yaml', text: campaign(opts.experiments), seed: 1 });
    const { done } = await orchestrator.campaigns.start(row.id, ({ done: count }) => {
      if (count % 100 === 0) sample(count);
    });
    const summary = await done;
    // Warm-up: until the event ring (replay for reconnecting dashboards) and the caches are full.
    const warmup = samples.find((s) => s.experiments >= Math.min(2000, opts.experiments / 5)) ?? samples[0];
    const last = samples[samples.length - 1];
    const peak = Math.max(...samples.map((s) => s.rssMb));
    const result = {
      ...runContext('soak', `lab bench soak --experiments ${opts.experiments}`),
      status: summary.status,
      experiments: summary.experiments,
      wallS: round((Date.now() - started) / 1000),
      msPerExperiment: round((Date.now() - started) / summary.experiments),
      rssAfterWarmupMb: round(warmup.rssMb),
      rssAtEndMb: round(last.rssMb),
      rssPeakMb: round(peak),
      rssGrowthAfterWarmupPct: round((100 * (last.rssMb - warmup.rssMb)) / warmup.rssMb),
      targetGrowthPct: 10,
      samples: samples.map((s) => ({ ...s, rssMb: round(s.rssMb), heapMb: round(s.heapMb) })),
    };
    report(
      opts.outFile,
      result,
      opts.json,
      ['experiments', 'wall s', 'ms / experiment', 'RSS after warm-up MB', 'RSS at end MB', 'peak MB', 'growth', 'target'],
      [[String(result.experiments), String(result.wallS), String(result.msPerExperiment), String(result.rssAfterWarmupMb), String(result.rssAtEndMb), String(result.rssPeakMb), `${result.rssGrowthAfterWarmupPct} %`, '< 10 %']],
    );
  } finally {
    await orchestrator.close();
    twins.kill('SIGINT');
    await new Promise((resolve) => twins.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number): number => Math.round(x * 100) / 100;
