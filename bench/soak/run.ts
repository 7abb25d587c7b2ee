import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startOrchestrator } from '../../apps/orchestrator/src/bootstrap';
import { benchLab } from '../support/bench-lab';
import { report, runContext } from '../support/report';
import { startTwinsProcess } from '../support/twins-process';

export interface SoakOptions {
  json: boolean;
  outFile: string;
  experiments: number;
  /** The AFM channel imaged (default pfmPhase, which goes through the vision pipeline; height does not). */
  channel?: 'pfmPhase' | 'height';
}

/** One memory sample. Everything in MB. */
interface Sample {
  experiments: number;
  rssMb: number;
  heapMb: number;
  /** The V8 heap as committed (resident as far as touched): what the heap costs in RSS, unlike heapMb (used). */
  heapTotalMb: number;
  /** Memory V8 knows is held outside its heap (Buffers, typed arrays). */
  externalMb: number;
  /** Resident anonymous memory (malloc arenas, V8 heap, thread stacks) and resident file-backed pages (code, mmapped files). */
  anonMb: number;
  fileMb: number;
  /** The SQLite file and its write-ahead log. */
  dbMb: number;
  walMb: number;
  elapsedS: number;
}

/** Resident anonymous and file-backed kB from /proc/self/smaps_rollup (Linux); NaN elsewhere. */
function residentKinds(): { anonMb: number; fileMb: number } {
  try {
    const text = readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
    return { anonMb: kb('Anonymous') / 1024, fileMb: (kb('Rss') - kb('Anonymous')) / 1024 };
  } catch {
    return { anonMb: Number.NaN, fileMb: Number.NaN };
  }
}

const fileMb = (path: string): number => (existsSync(path) ? statSync(path).size / 2 ** 20 : 0);

/**
 * The soak: one long campaign on the fast clock, with an image per experiment going through
 * storage and analysis, sampling resident memory as it goes. A quasi-random planner keeps the
 * planner's own cost out of the measurement: this is about the orchestrator leaking, not the GP.
 */
const campaign = (experiments: number, channel: string): string => `
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
  - { id: image, instrument: afm, action: scan, params: { sizeNm: 2000, pixels: 64, lineRateHz: "\${params.lineRateHz}", channels: [${channel}] } }
`;

export async function runSoak(opts: SoakOptions): Promise<void> {
  // The twins run in their own process (lab sim), from a copy of this lab file.
  const { lab, root, dir, dbFile } = benchLab('soak', { timeScale: 0.00001, enabled: false });
  const labFile = join(dir, 'lab.yaml');
  writeFileSync(labFile, stringify(lab.config));
  const orchestrator = await startOrchestrator({ lab, baseDir: root, http: false, simulate: false });
  // As instruments would: the resident memory measured here is the orchestrator's alone.
  const twins = await startTwinsProcess(root, labFile, orchestrator.runtime.brokerUrl);
  const samples: Sample[] = [];
  const started = Date.now();
  const sample = (experiments: number): void => {
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    samples.push({
      experiments,
      rssMb: rss / 2 ** 20,
      heapMb: heapUsed / 2 ** 20,
      heapTotalMb: heapTotal / 2 ** 20,
      externalMb: external / 2 ** 20,
      ...residentKinds(),
      dbMb: fileMb(dbFile),
      walMb: fileMb(`${dbFile}-wal`),
      elapsedS: (Date.now() - started) / 1000,
    });
    const last = samples[samples.length - 1];
    if (!opts.json && experiments % 1000 === 0) console.log(`${experiments} experiments, rss ${last.rssMb.toFixed(1)} MB (anon ${last.anonMb.toFixed(1)}, file ${last.fileMb.toFixed(1)}), heap ${last.heapMb.toFixed(1)} of ${last.heapTotalMb.toFixed(1)}, external ${last.externalMb.toFixed(1)}, db ${last.dbMb.toFixed(1)}, wal ${last.walMb.toFixed(1)}`);
  };
  try {
    const row = await orchestrator.campaigns.create({ file: 'soak.yaml', text: campaign(opts.experiments, opts.channel ?? 'pfmPhase'), seed: 1 });
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
      channel: opts.channel ?? 'pfmPhase',
      samples: samples.map((s) => ({ ...s, rssMb: round(s.rssMb), heapMb: round(s.heapMb), heapTotalMb: round(s.heapTotalMb), externalMb: round(s.externalMb), anonMb: round(s.anonMb), fileMb: round(s.fileMb), dbMb: round(s.dbMb), walMb: round(s.walMb) })),
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
    await twins.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number): number => Math.round(x * 100) / 100;
