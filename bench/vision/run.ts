import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { ModelRegistry } from '../../apps/orchestrator/src/vision/model-registry';
import { DEFAULT_VISION_CONFIG } from '../../apps/orchestrator/src/vision/vision-config';
import { defaultPoolOptions } from '../../apps/orchestrator/src/vision/vision-pipeline';
import { packageRoot } from '../../apps/orchestrator/src/package-root';
import { type ApiUnderLoadResult, measureApiUnderLoad } from './api-under-load';
import { inProcessModel } from './in-process-model';
import { type AtomQuality, atomQuality, DOSE_LEVELS, type DomainQuality, domainQuality, SIGNAL_LEVELS } from './quality';
import { type LatencyRow, measureLatency } from './speed';
import { measureMemory, measureSustained, type MemoryRow, type SustainedRow } from './sustained';
import { fixed, table } from './table';

export interface VisionBenchOptions {
  /** Print the JSON result instead of tables. */
  json: boolean;
  /** Where to write the JSON result (bench/results/vision.json). */
  outFile: string;
  /** Fewer frames and runs: a smoke run of a minute or two. */
  quick: boolean;
  /** Run only these sections; the others keep their values from the existing `outFile`. Default: all. */
  only?: VisionSection[];
}

/** The parts of the bench, in the order they run. */
export const VISION_SECTIONS = ['quality', 'latency', 'sustained', 'memory', 'api'] as const;
export type VisionSection = (typeof VISION_SECTIONS)[number];

/** `quality,api` -> the sections, or an error naming the unknown ones. */
export function parseVisionSections(list: string): VisionSection[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(VISION_SECTIONS as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) throw new Error(`unknown vision bench section(s) '${unknown.join(', ')}': choose from ${VISION_SECTIONS.join(', ')}`);
  return names as VisionSection[];
}

/** One benchmark target with its measured value. */
interface Target {
  name: string;
  target: string;
  value: number;
  met: boolean;
}

export interface VisionBenchResult {
  startedAt: string;
  quick: boolean;
  /** When each section was last measured (a run with `only` keeps the others' earlier results). */
  measuredAt?: Partial<Record<VisionSection, string>>;
  environment: { cpu: string; cores: number; node: string; onnxruntime: string; loadAverageStart: number[]; loadAverageEnd: number[] };
  models: Array<{ name: string; sha256: string }>;
  atoms: Array<{ method: 'model' | 'classical' } & AtomQuality>;
  domains: Array<{ method: 'model' | 'classical' } & DomainQuality>;
  latency: LatencyRow[];
  sustained: SustainedRow[];
  memory: MemoryRow;
  /** The HTTP API while the pipeline is saturated (absent in results written before it existed). */
  apiUnderLoad?: ApiUnderLoadResult;
  targets: Target[];
}

const onnxruntimeVersion = (): string => {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

/**
 * `lab bench vision`: quality on fresh twin frames (seeds never used in training) at three STEM
 * doses and three PFM signal levels, model beside the classical baseline; model and frame latency
 * at 256 and 512 px; sustained throughput and frame-in to features-out latency through the whole
 * pipeline for two pool layouts; resident memory over a long run; HTTP API latency of a real
 * orchestrator while its pipeline is saturated. Prints tables (or JSON) and writes the result to
 * `outFile` (with `only`, the sections not run keep their previous values there).
 */
export async function runVisionBench(opts: VisionBenchOptions): Promise<VisionBenchResult> {
  const log = (text: string): void => {
    if (!opts.json) process.stdout.write(`${text}\n`);
  };
  const q = opts.quick;
  const runs = (section: VisionSection): boolean => !opts.only || opts.only.includes(section);
  const previous = existsSync(opts.outFile) ? (JSON.parse(readFileSync(opts.outFile, 'utf8')) as VisionBenchResult) : undefined;
  const missing = VISION_SECTIONS.filter((section) => !runs(section) && !previous);
  if (missing.length > 0) throw new Error(`no previous ${opts.outFile} to take the sections not run (${missing.join(', ')}) from`);
  const loadAverageStart = loadavg();
  const registry = new ModelRegistry();
  const atomsModel = await registry.get(undefined, 'atoms');
  const domainsModel = await registry.get(undefined, 'domains');
  const threads = Math.max(1, cpus().length);

  log(`vision bench${q ? ' (quick)' : ''}${opts.only ? ` (${opts.only.join(', ')})` : ''}: models ${atomsModel.card.name}, ${domainsModel.card.name}; ${threads} cores, load ${loadAverageStart.map((l) => l.toFixed(2)).join(' ')}`);
  let atoms: VisionBenchResult['atoms'] = previous?.atoms ?? [];
  let domains: VisionBenchResult['domains'] = previous?.domains ?? [];
  if (runs('quality')) {
    atoms = [];
    const stem = await inProcessModel(atomsModel, threads);
    for (const dose of DOSE_LEVELS) {
      atoms.push({ method: 'model', ...(await atomQuality(stem, dose, q ? 4 : 30)) });
      atoms.push({ method: 'classical', ...(await atomQuality(undefined, dose, q ? 4 : 30)) });
    }
    await stem.session.release();
    log(`\nAtom detection on fresh twin HAADF frames (256 px, 0.039 nm/px; match within a quarter lattice spacing)`);
    log(table(
      ['dose', 'e/A^2', 'method', 'frames', 'precision', 'recall', 'F1', 'species acc', 'vacancy F1', 'vac frac MAE'],
      atoms.map((r) => [r.dose, String(r.doseEPerA2), r.method, String(r.frames), fixed(r.atoms.precision), fixed(r.atoms.recall), fixed(r.atoms.f1), fixed(r.speciesAccuracy), fixed(r.vacancies?.f1), fixed(r.vacancyFractionMae, 4)]),
    ));

    domains = [];
    const pfm = await inProcessModel(domainsModel, threads);
    for (const level of SIGNAL_LEVELS) {
      domains.push({ method: 'model', ...(await domainQuality(pfm, level, q ? 4 : 30)) });
      domains.push({ method: 'classical', ...(await domainQuality(undefined, level, q ? 4 : 30)) });
    }
    await pfm.session.release();
    log(`\nPFM domains on fresh twin phase frames (256 px): pixel IoU per class`);
    log(table(
      ['signal', 'ferro', 'method', 'frames', 'IoU up', 'IoU down', 'IoU wall', 'up frac MAE', 'wall len rel err'],
      domains.map((r) => [r.signal, String(r.ferroStrength), r.method, String(r.frames), fixed(r.iou.domain_up), fixed(r.iou.domain_down), fixed(r.iou.wall), fixed(r.upFractionMae, 4), fixed(r.wallLengthRelError)]),
    ));
  }

  let latency: LatencyRow[] = previous?.latency ?? [];
  if (runs('latency')) {
    latency = [await measureLatency(atomsModel, 256, q ? 30 : 200, threads), await measureLatency(atomsModel, 512, q ? 30 : 200, threads)];
    log(`\nLatency in-process (no worker), ${threads} intra-op threads, ms: the model alone, and the whole frame (tiling, model, post-processing, overlay PNG)`);
    log(table(['pixels', 'runs', 'model p50', 'model p99', 'frame p50', 'frame p99'], latency.map((r) => [String(r.pixels), String(r.runs), fixed(r.modelP50Ms, 1), fixed(r.modelP99Ms, 1), fixed(r.frameP50Ms, 1), fixed(r.frameP99Ms, 1)])));
  }

  let sustained: SustainedRow[] = previous?.sustained ?? [];
  if (runs('sustained')) {
    sustained = [];
    const defaults = defaultPoolOptions(DEFAULT_VISION_CONFIG);
    const layouts = [[defaults.workers, defaults.intraOpThreads], [1, threads], [threads, 1]].filter((l, i, all) => all.findIndex((m) => m[0] === l[0] && m[1] === l[1]) === i);
    for (const [workers, threadsPerWorker] of layouts) {
      sustained.push(await measureSustained({ workers, threadsPerWorker, pixels: 256, saturatedFrames: q ? 100 : 600, pacedFrames: q ? 100 : 400, pacedFps: 20 }));
    }
    log(`\nWhole pipeline, 256 px HAADF DataFrames in, features + overlay PNG out`);
    log(table(
      ['workers x threads', 'saturated fps', 'paced fps', 'p50 ms', 'p99 ms', 'kept up', 'event loop p99 ms'],
      sustained.map((r) => [`${r.workers} x ${r.threadsPerWorker}`, fixed(r.saturatedFramesPerS, 1), String(r.pacedFps), fixed(r.pacedP50Ms, 1), fixed(r.pacedP99Ms, 1), r.keptUp ? 'yes' : 'no', fixed(r.eventLoopP99Ms, 1)]),
    ));
  }

  let memory = previous?.memory as MemoryRow;
  if (runs('memory')) {
    memory = await measureMemory(q ? 1000 : 10_000, 256);
    log(`\nMemory over ${memory.frames} frames: warm ${memory.warmRssMb.toFixed(0)} MB, peak ${memory.peakRssMb.toFixed(0)} MB, final ${memory.finalRssMb.toFixed(0)} MB (growth ${memory.growthMb.toFixed(1)} MB)`);
  }

  let apiUnderLoad = previous?.apiUnderLoad;
  if (runs('api')) {
    apiUnderLoad = await measureApiUnderLoad({ idleSeconds: q ? 5 : 15, saturatedSeconds: q ? 10 : 60, ratePerS: 50, pixels: 256 });
    const a = apiUnderLoad;
    log(`\nHTTP API of a running orchestrator (auth on), ${a.ratePerS} requests/s from another thread, pipeline idle for ${a.idleSeconds} s, then saturated for ${a.saturatedSeconds} s (${a.pixels} px frames, queue ${a.measurementQueue}), ms`);
    log(table(
      ['pipeline', 'path', 'requests', 'errors', 'p50', 'p95', 'p99', 'max'],
      a.rows.map((r) => [r.phase, r.path, String(r.n), r.errors === 0 ? '0' : `${r.errors} (${Object.entries(r.errorKinds ?? {}).map(([k, n]) => `${k} x${n}`).join(', ')})`, fixed(r.p50Ms, 1), fixed(r.p95Ms, 1), fixed(r.p99Ms, 1), fixed(r.maxMs, 1)]),
    ));
    log(`saturated: ${a.pipeline.framesPerS.toFixed(1)} frames/s (${a.pipeline.frames} frames), queue full ${(100 * a.pipeline.queueFullShare).toFixed(0)} % of samples, producer held back ${(100 * a.pipeline.producerWaitingShare).toFixed(0)} %; event loop p99 ${a.eventLoop.idleP99Ms.toFixed(1)} ms idle, ${a.eventLoop.saturatedP99Ms.toFixed(1)} ms saturated (max ${a.eventLoop.saturatedMaxMs.toFixed(1)}); client send lag p99 ${a.clientLagP99Ms.toFixed(1)} ms; ${a.skipped} skipped`);
    log(`closed with ${a.close.running} frames running, ${a.close.queued} queued, ${a.close.waitingToAdmit} waiting to be admitted, in ${a.close.closeMs.toFixed(0)} ms`);
  }

  const atomF1 = (dose: string, method: string): number => atoms.find((r) => r.dose === dose && r.method === method)?.atoms.f1 ?? Number.NaN;
  const defaultLayout = sustained[0];
  const apiP99 = apiUnderLoad?.rows.find((r) => r.phase === 'saturated' && r.path === 'all')?.p99Ms ?? Number.NaN;
  const targets: Target[] = [
    { name: 'atom F1, standard dose', target: '>= 0.97', value: atomF1('standard', 'model'), met: atomF1('standard', 'model') >= 0.97 },
    { name: 'atom F1, lowest dose', target: '>= 0.90', value: atomF1('low', 'model'), met: atomF1('low', 'model') >= 0.9 },
    { name: 'model F1 minus classical F1, lowest dose', target: '> 0', value: atomF1('low', 'model') - atomF1('low', 'classical'), met: atomF1('low', 'model') > atomF1('low', 'classical') },
    { name: 'model F1 minus classical F1, standard dose', target: '> 0', value: atomF1('standard', 'model') - atomF1('standard', 'classical'), met: atomF1('standard', 'model') > atomF1('standard', 'classical') },
    { name: '512 px model inference p50 (ms)', target: '<= 40', value: latency[1].modelP50Ms, met: latency[1].modelP50Ms <= 40 },
    { name: `sustained frames/s at 256 px (default ${defaultLayout.workers} x ${defaultLayout.threadsPerWorker})`, target: '>= 20', value: defaultLayout.saturatedFramesPerS, met: defaultLayout.saturatedFramesPerS >= 20 },
    { name: `frame-to-features p99 at 20 frames/s (default ${defaultLayout.workers} x ${defaultLayout.threadsPerWorker}, ms)`, target: '<= 150', value: defaultLayout.pacedP99Ms, met: defaultLayout.pacedP99Ms <= 150 && defaultLayout.keptUp },
    { name: `RSS growth over ${memory.frames} frames (MB)`, target: '<= 5 % of warm RSS', value: memory.growthMb, met: memory.growthMb <= 0.05 * memory.warmRssMb },
    { name: 'HTTP API p99 while the pipeline is saturated (ms)', target: '<= 50', value: apiP99, met: apiP99 <= 50 && (apiUnderLoad?.rows.every((r) => r.errors === 0) ?? false) },
  ];
  log(`\nTargets`);
  log(table(['target', 'goal', 'measured', 'met'], targets.map((t) => [t.name, t.target, fixed(t.value, 3), t.met ? 'yes' : 'NO'])));

  const startedAt = new Date().toISOString();
  const measuredAt: Partial<Record<VisionSection, string>> = {};
  for (const section of VISION_SECTIONS) {
    const earlier = previous?.measuredAt?.[section] ?? (section === 'api' ? undefined : previous?.startedAt);
    const at = runs(section) ? startedAt : earlier;
    if (at) measuredAt[section] = at;
  }
  const result: VisionBenchResult = {
    startedAt,
    quick: q,
    measuredAt,
    environment: { cpu: cpus()[0]?.model ?? 'unknown', cores: threads, node: process.version, onnxruntime: onnxruntimeVersion(), loadAverageStart, loadAverageEnd: loadavg() },
    models: [atomsModel, domainsModel].map((m) => ({ name: m.card.name, sha256: m.sha256 })),
    atoms,
    domains,
    latency,
    sustained,
    memory,
    ...(apiUnderLoad ? { apiUnderLoad } : {}),
    targets,
  };
  mkdirSync(dirname(opts.outFile), { recursive: true });
  writeFileSync(opts.outFile, `${JSON.stringify(result, null, 2)}\n`);
  if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else log(`\nwrote ${opts.outFile}`);
  return result;
}
