import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { loadLab } from '@lab/config';
import { startOrchestrator } from '../../apps/orchestrator/src/bootstrap';
import { packageRoot } from '../../apps/orchestrator/src/package-root';
import { PipelineClosedError } from '../../apps/orchestrator/src/vision/vision-errors';
import { visionConfigSchema } from '../../apps/orchestrator/src/vision/vision-config';
import { defaultPoolOptions } from '../../apps/orchestrator/src/vision/vision-pipeline';
import { typeScriptRegister } from '../../apps/orchestrator/src/vision/worker-pool';
import type { ClientSetup, PhaseDone, RunPhase } from './http-client.worker';
import { benchFrames } from './sustained';
import { quantile } from './table';

/** Latency of one set of requests, ms. */
export interface ApiLatencyRow {
  phase: 'idle' | 'saturated';
  /** A path, or `all` for every request of the phase. */
  path: string;
  n: number;
  /** Answers other than 200 (and connection errors). */
  errors: number;
  /** What those were: HTTP status or connection error code, with counts. */
  errorKinds: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ApiUnderLoadResult {
  ratePerS: number;
  idleSeconds: number;
  saturatedSeconds: number;
  pixels: number;
  workers: number;
  measurementQueue: number;
  rows: ApiLatencyRow[];
  /** Requests the client skipped because 64 were outstanding (0 unless the server stalled). */
  skipped: number;
  /** How late the client thread itself sent requests against its schedule (p99, ms): its own CPU starvation. */
  clientLagP99Ms: number;
  /** Event-loop delay on the orchestrator's thread, p99 / max ms. */
  eventLoop: { idleP99Ms: number; saturatedP99Ms: number; saturatedMaxMs: number };
  /** The pipeline during the saturated phase: analysed frames per second and how full the queue was. */
  pipeline: { framesPerS: number; frames: number; queueFullShare: number; producerWaitingShare: number; meanQueued: number };
  /** Closing the orchestrator while saturated: what was in flight and how long close took. */
  close: { running: number; queued: number; waitingToAdmit: number; closeMs: number };
  loadAverageStart: number[];
  loadAverageEnd: number[];
}

const PATHS = ['/api/campaigns', '/api/health', '/api/instruments'];

function summarize(phase: ApiLatencyRow['phase'], path: string, samples: PhaseDone['samples']): ApiLatencyRow {
  const ms = samples.map((s) => s.ms);
  const errorKinds: Record<string, number> = {};
  for (const s of samples.filter((x) => x.status !== 200)) {
    const kind = s.status === 0 ? (s.error ?? 'connection error') : String(s.status);
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  }
  return {
    phase,
    path,
    n: samples.length,
    errors: samples.filter((s) => s.status !== 200).length,
    errorKinds,
    p50Ms: quantile(ms, 0.5),
    p95Ms: quantile(ms, 0.95),
    p99Ms: quantile(ms, 0.99),
    maxMs: ms.reduce((m, v) => Math.max(m, v), 0),
  };
}

/** The client thread: compiled next to this file in a build, transpiled from source otherwise. */
function startClient(setup: ClientSetup): Worker {
  const compiled = join(__dirname, 'http-client.worker.js');
  if (existsSync(compiled)) return new Worker(compiled, { workerData: setup });
  return new Worker(`${typeScriptRegister()}\nrequire(${JSON.stringify(join(__dirname, 'http-client.worker.ts'))});`, { eval: true, workerData: setup });
}

const message = <T>(worker: Worker): Promise<T> => new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));

/**
 * The HTTP API while the vision pipeline is saturated (issue 5): a real orchestrator (HTTP server,
 * auth on, twins in-process, SQLite) whose pipeline is fed measurement frames as fast as admission
 * allows, so its bounded queue stays full and the producer is held back; meanwhile a client in
 * another thread sends GET /api/campaigns, /api/health and /api/instruments with a bearer token at
 * a steady rate. First the same load with the pipeline idle, for comparison. Finally the
 * orchestrator is closed with frames in flight (the path that used to abort the process).
 */
export async function measureApiUnderLoad(opts: { idleSeconds: number; saturatedSeconds: number; ratePerS: number; pixels: number; workers?: number }): Promise<ApiUnderLoadResult> {
  const loadAverageStart = loadavg();
  const root = packageRoot();
  const dir = mkdtempSync(join(tmpdir(), 'lab-bench-api-'));
  const lab = loadLab(join(root, 'config/lab.yaml'));
  lab.config.broker.embeddedPort = 0;
  lab.config.broker.clientId = `orchestrator-bench-api-${process.pid}`;
  lab.config.database.url = `sqlite:${join(dir, 'lab.sqlite')}`;
  lab.config.dataDir = join(dir, 'data');
  if (opts.workers !== undefined) lab.config.vision = { ...visionConfigSchema.parse(lab.config.vision), workers: opts.workers };
  const orchestrator = await startOrchestrator({ lab, baseDir: root, http: true, port: 0 });
  let client: Worker | undefined;
  try {
    // Something for GET /api/campaigns to list and read from the database.
    await orchestrator.campaigns.create({ file: 'demo.yaml', text: readFileSync(join(root, 'config/campaigns/demo.yaml'), 'utf8'), seed: 1 });
    const vision = orchestrator.runtime.vision();
    const frames = benchFrames(opts.pixels);
    // Warm-up: sessions open in both workers, code paths compiled.
    await Promise.all(frames.slice(0, 4).map((f) => vision.features(f)));

    const token = orchestrator.auth.issue({ name: 'bench', role: 'viewer' });
    client = startClient({ url: orchestrator.url as string, token, paths: PATHS, ratePerS: opts.ratePerS });
    await message<'ready'>(client);
    const delay = monitorEventLoopDelay({ resolution: 5 });

    const phase = async (name: ApiLatencyRow['phase'], seconds: number): Promise<PhaseDone> => {
      (client as Worker).postMessage({ phase: name, seconds } satisfies RunPhase);
      return message<PhaseDone>(client as Worker);
    };

    delay.enable();
    const idle = await phase('idle', opts.idleSeconds);
    delay.disable();
    const idleP99Ms = delay.percentile(99) / 1e6;
    delay.reset();

    // Saturate: an acquisition loop that awaits admission, as a campaign step would.
    let producing = true;
    const producer = (async () => {
      for (let i = 0; producing; i++) {
        try {
          const { result } = await vision.submit(frames[i % frames.length]);
          result.catch(() => undefined);
        } catch (error) {
          if (error instanceof PipelineClosedError) return;
          throw error;
        }
      }
    })();
    const visionConfig = visionConfigSchema.parse(orchestrator.runtime.lab.vision);
    const capacity = visionConfig.measurementQueue;
    while (vision.stats().queuedMeasurements < capacity) await new Promise((resolve) => setTimeout(resolve, 10));
    const queueSamples: Array<{ queued: number; waiting: number }> = [];
    const sampler = setInterval(() => {
      const s = vision.stats();
      queueSamples.push({ queued: s.queuedMeasurements, waiting: s.waitingToAdmit });
    }, 50);
    const completedBefore = vision.stats().completed;
    const saturatedStart = performance.now();
    delay.enable();
    const saturated = await phase('saturated', opts.saturatedSeconds);
    delay.disable();
    const saturatedS = (performance.now() - saturatedStart) / 1000;
    const analysed = vision.stats().completed - completedBefore;
    clearInterval(sampler);

    // Close with the queue full and a frame in every worker.
    const atClose = vision.stats();
    const closeStart = performance.now();
    client.postMessage('stop');
    client = undefined;
    await orchestrator.close();
    const closeMs = performance.now() - closeStart;
    producing = false;
    await producer;

    const rows: ApiLatencyRow[] = [];
    for (const [name, done] of [['idle', idle], ['saturated', saturated]] as const) {
      rows.push(summarize(name, 'all', done.samples));
      for (const path of PATHS) rows.push(summarize(name, path, done.samples.filter((s) => s.path === path)));
    }
    return {
      ratePerS: opts.ratePerS,
      idleSeconds: opts.idleSeconds,
      saturatedSeconds: opts.saturatedSeconds,
      pixels: opts.pixels,
      workers: defaultPoolOptions(visionConfig).workers,
      measurementQueue: capacity,
      rows,
      skipped: idle.skipped + saturated.skipped,
      clientLagP99Ms: quantile([...idle.samples, ...saturated.samples].map((s) => s.lagMs), 0.99),
      eventLoop: { idleP99Ms, saturatedP99Ms: delay.percentile(99) / 1e6, saturatedMaxMs: delay.max / 1e6 },
      pipeline: {
        framesPerS: analysed / saturatedS,
        frames: analysed,
        queueFullShare: queueSamples.filter((s) => s.queued >= capacity).length / Math.max(1, queueSamples.length),
        producerWaitingShare: queueSamples.filter((s) => s.waiting > 0).length / Math.max(1, queueSamples.length),
        meanQueued: queueSamples.reduce((sum, s) => sum + s.queued, 0) / Math.max(1, queueSamples.length),
      },
      close: { running: atClose.running, queued: atClose.queuedMeasurements, waitingToAdmit: atClose.waitingToAdmit, closeMs },
      loadAverageStart,
      loadAverageEnd: loadavg(),
    };
  } finally {
    client?.postMessage('stop');
    await orchestrator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
