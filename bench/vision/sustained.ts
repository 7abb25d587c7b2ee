import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { DataFrame } from '@lab/drivers';
import { DEFAULT_VISION_CONFIG } from '../../apps/orchestrator/src/vision/vision-config';
import { VisionPipeline } from '../../apps/orchestrator/src/vision/vision-pipeline';
import { stemDataFrame } from '../../apps/orchestrator/src/vision/testing/twin-frames';
import { quantile } from './table';

/** Throughput and latency of the whole pipeline (DataFrame in, features and overlay PNG out). */
export interface SustainedRow {
  workers: number;
  threadsPerWorker: number;
  pixels: number;
  /** Saturated: the producer submits as fast as admission allows. */
  saturatedFramesPerS: number;
  /** Paced at `pacedFps`: frame-in to features-out latency. */
  pacedFps: number;
  pacedFrames: number;
  pacedP50Ms: number;
  pacedP99Ms: number;
  /** Whether the paced run kept up (finished within 10 % of its schedule). */
  keptUp: boolean;
  /** Event-loop delay p99 on the producer's thread during the runs, ms: what an API handler would wait. */
  eventLoopP99Ms: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** A handful of distinct twin frames reused round-robin, so rendering does not limit the rate. */
export function benchFrames(pixels: number, count = 12): DataFrame[] {
  return Array.from({ length: count }, (_, i) => stemDataFrame(700_000 + i, pixels).frame);
}

/** Saturated throughput, then a paced run, through a pipeline with the given pool. */
export async function measureSustained(opts: { workers: number; threadsPerWorker: number; pixels: number; saturatedFrames: number; pacedFrames: number; pacedFps: number }): Promise<SustainedRow> {
  const pipeline = new VisionPipeline({ config: { ...DEFAULT_VISION_CONFIG, workers: opts.workers, threadsPerWorker: opts.threadsPerWorker } });
  const frames = benchFrames(opts.pixels);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  try {
    // Warm-up: sessions open, code paths compile.
    await Promise.all(frames.slice(0, 2 * opts.workers).map((f) => pipeline.features(f)));
    delay.enable();
    const started = performance.now();
    const pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < opts.saturatedFrames; i++) pending.push((await pipeline.submit(frames[i % frames.length])).result);
    await Promise.all(pending);
    const saturatedFramesPerS = opts.saturatedFrames / ((performance.now() - started) / 1000);

    const latencies: number[] = [];
    const periodMs = 1000 / opts.pacedFps;
    const pacedStart = performance.now();
    const paced: Array<Promise<void>> = [];
    for (let i = 0; i < opts.pacedFrames; i++) {
      await sleep(pacedStart + i * periodMs - performance.now());
      const submittedAt = performance.now();
      const { result } = await pipeline.submit(frames[i % frames.length]);
      paced.push(result.then(() => void latencies.push(performance.now() - submittedAt)));
    }
    await Promise.all(paced);
    const pacedElapsedMs = performance.now() - pacedStart;
    delay.disable();
    return {
      workers: opts.workers,
      threadsPerWorker: opts.threadsPerWorker,
      pixels: opts.pixels,
      saturatedFramesPerS,
      pacedFps: opts.pacedFps,
      pacedFrames: opts.pacedFrames,
      pacedP50Ms: quantile(latencies, 0.5),
      pacedP99Ms: quantile(latencies, 0.99),
      keptUp: pacedElapsedMs <= 1.1 * opts.pacedFrames * periodMs + 200,
      eventLoopP99Ms: delay.percentile(99) / 1e6,
    };
  } finally {
    await pipeline.close();
  }
}

/** Resident memory over a long saturated run. */
export interface MemoryRow {
  frames: number;
  pixels: number;
  /** RSS after the first 5 % of frames (sessions and arenas warm), MB. */
  warmRssMb: number;
  peakRssMb: number;
  finalRssMb: number;
  /** Final minus warm, MB: near zero when memory is flat. */
  growthMb: number;
  /** RSS samples every `sampleEvery` frames, MB. */
  samplesMb: number[];
  sampleEvery: number;
}

/** Push `frames` frames through the pipeline and watch resident memory. */
export async function measureMemory(frames: number, pixels: number): Promise<MemoryRow> {
  const pipeline = new VisionPipeline();
  const inputs = benchFrames(pixels);
  const sampleEvery = Math.max(1, Math.floor(frames / 40));
  const samples: number[] = [];
  const mb = (): number => process.memoryUsage().rss / 2 ** 20;
  let warm = 0;
  let peak = 0;
  try {
    const inFlight: Array<Promise<unknown>> = [];
    for (let i = 0; i < frames; i++) {
      const { result } = await pipeline.submit(inputs[i % inputs.length]);
      inFlight.push(result);
      if (inFlight.length > 64) await Promise.all(inFlight.splice(0, 32));
      if (i % sampleEvery === 0) {
        const rss = mb();
        samples.push(Number(rss.toFixed(1)));
        peak = Math.max(peak, rss);
        if (i <= frames * 0.05) warm = rss;
      }
    }
    await Promise.all(inFlight);
    const final = mb();
    peak = Math.max(peak, final);
    return { frames, pixels, warmRssMb: warm, peakRssMb: peak, finalRssMb: final, growthMb: final - warm, samplesMb: samples, sampleEvery };
  } finally {
    await pipeline.close();
  }
}
