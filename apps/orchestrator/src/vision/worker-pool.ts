import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalyzeRequest, AnalyzeResponse, WorkerConfig } from './inference-protocol';

/** How many inference workers and how many threads each. */
export interface PoolOptions {
  workers: number;
  intraOpThreads: number;
}

interface Slot {
  worker: Worker;
  job?: { jobId: number; resolve: (r: AnalyzeResponse) => void; reject: (e: Error) => void };
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
  const register = `
    const ts = require('typescript');
    const { readFileSync } = require('node:fs');
    const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
    require.extensions['.ts'] = (module, filename) => {
      module._compile(ts.transpileModule(readFileSync(filename, 'utf8'), { compilerOptions: options, fileName: filename }).outputText, filename);
    };`;
  return { script: `${register}\nrequire(${JSON.stringify(source)});`, evalSource: true };
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

  constructor(readonly options: PoolOptions) {
    if (options.workers < 1 || options.intraOpThreads < 1) throw new RangeError('workers and intraOpThreads must be at least 1');
    for (let i = 0; i < options.workers; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /** Analyse a frame in a worker. The image's pixel buffer is transferred (the caller must not reuse it). */
  async run(request: Omit<AnalyzeRequest, 'jobId'>): Promise<AnalyzeResponse> {
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
      free.worker.postMessage({ ...request, jobId } satisfies AnalyzeRequest, [request.image.data.buffer as ArrayBuffer]);
    });
  }

  /** Stop every worker; jobs in flight fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const entry = workerEntry();
    const workerData: WorkerConfig = { intraOpThreads: this.options.intraOpThreads };
    const worker = new Worker(entry.script, { eval: entry.evalSource, workerData });
    // The pool must not keep the process alive on its own (a CLI exits when its work is done).
    worker.unref();
    const slot: Slot = { worker };
    worker.on('message', (response: AnalyzeResponse) => {
      const job = slot.job;
      if (!job || job.jobId !== response.jobId) return;
      slot.job = undefined;
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
      if (this.slots.includes(slot)) replace(new Error(`inference worker exited with code ${code}`));
    });
    return slot;
  }
}
