import { grayImage, type GrayImage } from '../../../../../vision/src';
import { PipelineClosedError } from '../vision-errors';
import { VisionPipeline } from '../vision-pipeline';

/**
 * Run as a child process by close-in-flight.spec.ts: closes a saturated pipeline at several moments
 * after large frames were handed over, so that a worker is inside a native ONNX Runtime run when
 * close() arrives. Terminating a worker there aborts the whole process (exit 134, "terminate called
 * after throwing an instance of 'Napi::Error'"), which no in-process test could observe and
 * survive. Prints one JSON line per round and exits 0 on its own (no process.exit: an early exit
 * would cut a run short the same way).
 *
 * CLOSE_DELAYS_MS: delays after submission, comma-separated (default 0,50,120).
 * CLOSE_MODE=abandon: hand over frames and never close; the process must still end cleanly, after
 * the frames in hand are done.
 * CLOSE_MODE=runtime: the same through a started LabRuntime (database, embedded broker, instrument
 * links, `runtime.vision()`), stopped with frames in flight as `lab start` does on Ctrl-C. Needs
 * the @lab/* aliases resolvable (the spec provides them).
 */
function noise(pixels: number, seed: number): GrayImage {
  const data = new Float32Array(pixels * pixels);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    // xorshift32: a fixed, cheap texture; the content does not matter, only the time in the model.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = 100 + ((x >>> 0) % 1000) / 10;
  }
  return grayImage(pixels, pixels, data, 0.039);
}

async function round(delayMs: number): Promise<{ delayMs: number; finished: number; closedBeforeRun: number; otherErrors: string[] }> {
  const pipeline = new VisionPipeline({ config: { models: [], defaults: {}, measurementQueue: 4, onModelError: 'fail', workers: 2 } });
  // Sessions open and code compiled, so the large frames below reach the model quickly.
  await pipeline.analyzeImage(noise(128, 1), { task: 'atoms', overlay: false });
  const outcomes = Array.from({ length: 6 }, (_, i) => pipeline.analyzeImage(noise(1024, 10 + i), { task: 'atoms', overlay: false }).then(() => 'finished' as const, (error: unknown) => error));
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  await pipeline.close();
  const settled = await Promise.all(outcomes);
  return {
    delayMs,
    finished: settled.filter((o) => o === 'finished').length,
    closedBeforeRun: settled.filter((o) => o instanceof PipelineClosedError).length,
    otherErrors: settled.filter((o) => o !== 'finished' && !(o instanceof PipelineClosedError)).map((o) => String(o)),
  };
}

async function abandon(): Promise<void> {
  const pipeline = new VisionPipeline({ config: { models: [], defaults: {}, measurementQueue: 4, onModelError: 'fail', workers: 2 } });
  await pipeline.analyzeImage(noise(128, 1), { task: 'atoms', overlay: false });
  for (let i = 0; i < 2; i++) void pipeline.analyzeImage(noise(1024, 20 + i), { task: 'atoms', overlay: false }).then(() => process.stdout.write('{"finished":1}\n'));
  await new Promise((resolve) => setTimeout(resolve, 50));
}

async function runtimeRound(delayMs: number): Promise<void> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { loadLab } = await import('@lab/config');
  const { LabRuntime } = await import('../../runtime/lab-runtime');
  const { packageRoot } = await import('../../package-root');
  const root = packageRoot();
  const dir = mkdtempSync(join(tmpdir(), 'close-in-flight-'));
  const lab = loadLab(join(root, 'config/lab.yaml'));
  lab.config.broker.embeddedPort = 0;
  lab.config.broker.clientId = `close-in-flight-${process.pid}`;
  lab.config.database.url = `sqlite:${join(dir, 'lab.sqlite')}`;
  lab.config.dataDir = join(dir, 'data');
  const runtime = await LabRuntime.start({ lab, baseDir: root, simulate: false });
  try {
    const vision = runtime.vision();
    await vision.analyzeImage(noise(128, 1), { task: 'atoms', overlay: false });
    const outcomes = Array.from({ length: 6 }, (_, i) => vision.analyzeImage(noise(1024, 30 + i), { task: 'atoms', overlay: false }).then(() => 'finished' as const, (error: unknown) => error));
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const stats = vision.stats();
    await runtime.stop();
    const settled = await Promise.all(outcomes);
    process.stdout.write(`${JSON.stringify({ delayMs, runningAtStop: stats.running, finished: settled.filter((o) => o === 'finished').length, closedBeforeRun: settled.filter((o) => o instanceof PipelineClosedError).length })}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.env.CLOSE_MODE === 'abandon') return abandon();
  const delays = (process.env.CLOSE_DELAYS_MS ?? '').split(',').filter(Boolean).map(Number);
  if (process.env.CLOSE_MODE === 'runtime') {
    for (const delayMs of delays.length > 0 ? delays : [80, 150]) await runtimeRound(delayMs);
    return;
  }
  for (const delayMs of delays.length > 0 ? delays : [0, 50, 120]) process.stdout.write(`${JSON.stringify(await round(delayMs))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
