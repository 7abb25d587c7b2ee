import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalyzeRequest, AnalyzeResponse, WorkerConfig, WorkerRequest } from './inference-protocol';

/** How many inference workers and how many threads each. */
export interface PoolOptions {
  workers: number;
  intraOpThreads: number;
  /**
   * How long `close()` waits for a worker to finish its frame and exit before terminating it
   * anyway (default 30 s). Only a hung model run should ever reach it; terminating a worker inside
   * a native run aborts the process (see CloseRequest), so this is a last resort, not the path.
   */
  closeTimeoutMs?: number;
  /**
   * Niceness of the inference threads (default 10; 0 leaves them at the process's priority). On a
   * small machine a saturated pool otherwise takes the cores from the thread that answers the API.
   */
  nice?: number;
}

interface Slot {
  worker: Worker;
  job?: { jobId: number; resolve: (r: AnalyzeResponse) => void; reject: (e: Error) => void };
  /** Resolves once the worker thread has exited. */
  exited: Promise<void>;
}

/**
 * Where the worker's code is: the compiled .js next to this file in a build. When running from
 * TypeScript sources (the test runner), the worker transpiles its modules on load with the
 * TypeScript compiler's transpileModule: plain JavaScript, because a native compiler addon (SWC)
 * crashes the process when a second worker loads it after the first was terminated. A build never
 * takes that path.
 */
function workerEntry(): { script: string; evalSource: boolean } {
  const compiled = join(__dirname, 'inference.worker.js');
  if (existsSync(compiled)) return { script: compiled, evalSource: false };
  const source = join(__dirname, 'inference.worker.ts');
  return { script: `${typeScriptRegister()}\nrequire(${JSON.stringify(source)});`, evalSource: true };
}

/** JavaScript that makes `require` load .ts files through transpileModule (see workerEntry; also used by tests that run sources in a child process). */
export function typeScriptRegister(): string {
  return `
    const ts = require('typescript');
    const { readFileSync } = require('node:fs');
    const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false };
    require.extensions['.ts'] = (module, filename) => {
      module._compile(ts.transpileModule(readFileSync(filename, 'utf8'), { compilerOptions: options, fileName: filename }).outputText, filename);
    };`;
}

/**
 * A fixed set of inference workers (worker_threads). Each runs one job at a time; `run` waits for
 * a free worker. Scheduling policy (priorities, backpressure) lives in the FrameScheduler above it,
 * which never hands the pool more jobs than it has workers. A worker that dies fails its job and
 * is replaced.
 */
export class InferencePool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<() => void> = [];
  private nextJobId = 1;
  private closed = false;
  private closing?: Promise<void>;

  constructor(readonly options: PoolOptions) {
    if (options.workers < 1 || options.intraOpThreads < 1) throw new RangeError('workers and intraOpThreads must be at least 1');
    for (let i = 0; i < options.workers; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /** Analyse a frame in a worker. The image's pixel buffer is transferred (the caller must not reuse it). */
  async run(request: Omit<AnalyzeRequest, 'jobId' | 'type'>): Promise<AnalyzeResponse> {
    let slot = this.slots.find((s) => !s.job);
    while (!slot) {
      if (this.closed) throw new Error('inference pool closed');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      slot = this.slots.find((s) => !s.job);
    }
    if (this.closed) throw new Error('inference pool closed');
    const jobId = this.nextJobId++;
    const free = slot;
    return new Promise<AnalyzeResponse>((resolve, reject) => {
      free.job = { jobId, resolve, reject };
      // Held while a frame is in hand: a process that ends with a worker inside a native model run
      // aborts (see CloseRequest), so a frame in flight keeps the process alive until it is done.
      free.worker.ref();
      free.worker.postMessage({ ...request, type: 'analyze', jobId } satisfies WorkerRequest, [request.image.data.buffer as ArrayBuffer]);
    });
  }

  /**
   * Stop the pool: new and waiting jobs fail at once; frames already in a worker finish (their
   * results are delivered), then each worker releases its sessions and exits on its own. A worker
   * is never terminated mid-frame: that aborts the process with a native Napi::Error (see
   * CloseRequest). Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
    const timeoutMs = this.options.closeTimeoutMs ?? 30_000;
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.worker.postMessage({ type: 'close' } satisfies WorkerRequest);
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
        });
        const outcome = await Promise.race([slot.exited.then(() => 'exited' as const), deadline]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          slot.job?.reject(new Error(`inference worker did not finish its frame within ${timeoutMs} ms of close`));
          slot.job = undefined;
          await slot.worker.terminate();
        }
      }),
    );
  }

  private spawn(): Slot {
    const entry = workerEntry();
    const workerData: WorkerConfig = { intraOpThreads: this.options.intraOpThreads, nice: this.options.nice ?? 10 };
    const worker = new Worker(entry.script, { eval: entry.evalSource, workerData });
    let markExited = (): void => undefined;
    const slot: Slot = { worker, exited: new Promise<void>((resolve) => (markExited = resolve)) };
    worker.on('message', (response: AnalyzeResponse) => {
      const job = slot.job;
      if (!job || job.jobId !== response.jobId) return;
      slot.job = undefined;
      worker.unref();
      this.waiting.shift()?.();
      job.resolve(response);
    });
    const replace = (error: Error): void => {
      const job = slot.job;
      slot.job = undefined;
      job?.reject(error);
      if (this.closed) return;
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = this.spawn();
      this.waiting.shift()?.();
    };
    worker.on('error', (error) => replace(error));
    worker.on('exit', (code) => {
      markExited();
      if (this.slots.includes(slot)) replace(new Error(`inference worker exited with code ${code}`));
    });
    // An idle pool must not keep the process alive on its own (a CLI exits when its work is done);
    // `run` holds a reference while a frame is in hand. After the listeners: adding a 'message'
    // listener refs the worker's port again, so an unref() before it would not hold.
    worker.unref();
    return slot;
  }
}
