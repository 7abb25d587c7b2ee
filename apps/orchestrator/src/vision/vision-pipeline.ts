import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import type { DataFrame } from '@lab/drivers';
import { concatMap, defer, from, mergeMap, type Observable, Subject } from 'rxjs';
import { decodeImage, DEFAULT_ANALYZE_OPTIONS, type GrayImage, type VisionTask } from '../../../../vision/src';
import { watchImageFolder, type WatchOptions } from './folder-watch';
import { type Admitted, FrameScheduler, type SchedulerStats } from './frame-scheduler';
import { imageOfFrame, taskOfFrame } from './frame-image';
import type { AnalyzeResponse } from './inference-protocol';
import type { LoadedModel } from './model-loader';
import { ModelRegistry, registrySources } from './model-registry';
import { DEFAULT_VISION_CONFIG, type VisionConfig } from './vision-config';
import type { FeatureOptions, FrameFeatures, FrameProvenance, FrameResult, FrameSource } from './vision-types';
import { InferencePool, type PoolOptions } from './worker-pool';

/** How to build a pipeline; everything is optional. */
export interface VisionPipelineOptions {
  /** The lab's `vision` settings (validated with visionConfigSchema). */
  config?: VisionConfig;
  /** Model lookup; default: the committed models plus `config.models`, card paths resolved against `baseDir`. */
  registry?: ModelRegistry;
  /** Directory that relative card paths in `config.models` are relative to (the lab file's); default: the working directory. */
  baseDir?: string;
}

interface Job {
  image: GrayImage;
  task: VisionTask;
  options: FeatureOptions;
  source: FrameSource;
  arrivedAt: number;
}

const jobOf = (image: GrayImage, task: VisionTask, options: FeatureOptions, source: FrameSource): Job => ({ image, task, options, source, arrivedAt: performance.now() });

/**
 * Default pool: two workers, each allowed every core. With spin-waiting off (see openSession) a
 * lone frame still gets all cores for its convolutions, while two frames in flight overlap one's
 * post-processing (JavaScript, single-threaded) with the other's inference. Measured on two cores
 * at 256 px: 1 x 2 gave 41 frames/s, 2 x 1 gave 58, 2 x 2 gave 84, all with p99 near 40 ms at 20 frames/s.
 */
export function defaultPoolOptions(config: VisionConfig): PoolOptions {
  const cores = availableParallelism();
  return { workers: config.workers ?? Math.min(2, cores), intraOpThreads: config.threadsPerWorker ?? cores };
}

/**
 * Frames in, features out. Measurement frames are never dropped: they queue (bounded) and
 * `submit` holds the producer back when the queue is full; live-preview frames are latest-wins.
 * Analysis (tiling, ONNX inference, post-processing, overlay) runs in worker threads, so the
 * caller's event loop stays free. When a model fails, the classical method answers instead (unless
 * `onModelError: fail`) and the provenance says so.
 *
 * Typical use in a campaign step: `const { features } = await pipeline.features(frame)`, then an
 * objective such as `minimize vacancy_fraction` reads `features.vacancy_fraction`.
 */
export class VisionPipeline {
  /** Every finished frame (or its error), in completion order. */
  readonly results$ = new Subject<FrameResult>();
  private readonly config: VisionConfig;
  private readonly registry: ModelRegistry;
  private readonly pool: InferencePool;
  private readonly scheduler: FrameScheduler<Job, FrameFeatures>;

  constructor(options: VisionPipelineOptions = {}) {
    this.config = options.config ?? DEFAULT_VISION_CONFIG;
    this.registry = options.registry ?? new ModelRegistry(registrySources(this.config, options.baseDir ?? process.cwd()));
    this.pool = new InferencePool(defaultPoolOptions(this.config));
    this.scheduler = new FrameScheduler({ concurrency: this.pool.size, measurementCapacity: this.config.measurementQueue }, (job) => this.execute(job));
  }

  /** Features of one instrument frame (a measurement unless `opts.kind` is `preview`). */
  async features(frame: DataFrame, opts: FeatureOptions = {}): Promise<FrameFeatures> {
    return this.run(this.jobOfFrame(frame, opts));
  }

  /**
   * Hand over a measurement frame. Resolves once the frame is admitted to the queue (at once while
   * there is room), with the promise of its features; await this before acquiring the next frame,
   * so a full queue slows the acquisition instead of growing without bound.
   */
  submit(frame: DataFrame, opts: FeatureOptions = {}): Promise<Admitted<FrameFeatures>> {
    return this.scheduler.admitMeasurement(this.jobOfFrame(frame, { ...opts, kind: 'measurement' }));
  }

  /** Features of an already decoded image (files on disk, tests); `task` is required. */
  async analyzeImage(image: GrayImage, opts: FeatureOptions & { task: VisionTask }, source: FrameSource = {}): Promise<FrameFeatures> {
    return this.run(jobOf(image, opts.task, opts, source));
  }

  /**
   * A stream of measurement frames through the pipeline. Each frame is admitted before the next is
   * taken from the source, so a cold or pull-based source is slowed to the analysis rate; results
   * come out in completion order (and also on results$).
   */
  connect(frames$: Observable<DataFrame>, opts: FeatureOptions = {}): Observable<FrameResult> {
    return frames$.pipe(
      concatMap((frame) =>
        defer(() => {
          try {
            return this.submitTracked(this.jobOfFrame(frame, { ...opts, kind: 'measurement' }));
          } catch (error) {
            // A frame the pipeline cannot read is one failed result, not the end of the stream.
            return Promise.resolve(this.failed({ cmdId: frame.header.cmdId, dataId: frame.header.dataId }, error));
          }
        }),
      ),
      mergeMap((admitted) => from(admitted.result)),
    );
  }

  /**
   * Analyse TIFF and PNG files as they appear in a folder. A file is read only when the queue has
   * room for it, so a burst of files waits on disk, not in memory.
   */
  watchFolder(dir: string, opts: FeatureOptions & { task: VisionTask }, watch: WatchOptions = {}): Observable<FrameResult> {
    return watchImageFolder(dir, watch).pipe(
      concatMap((file) =>
        defer(async () => {
          const source = { file };
          try {
            const image = decodeImage(await readFile(file));
            return this.submitTracked(jobOf(image, opts.task, { ...opts, kind: 'measurement' }, source));
          } catch (error) {
            return this.failed(source, error);
          }
        }),
      ),
      mergeMap((admitted) => from(admitted.result)),
    );
  }

  /** Queue depth, backpressure and preview counters. */
  stats(): SchedulerStats {
    return this.scheduler.stats();
  }

  /**
   * Reject waiting frames, let the frames already in a worker finish (at most one per worker), stop
   * the workers and complete results$. Await it before the process exits: a worker cut off inside
   * a native model run aborts the process (see CloseRequest in inference-protocol.ts).
   */
  async close(): Promise<void> {
    this.scheduler.close();
    await this.pool.close();
    this.results$.complete();
  }

  private jobOfFrame(frame: DataFrame, options: FeatureOptions): Job {
    const { cmdId, dataId } = frame.header;
    return jobOf(imageOfFrame(frame), taskOfFrame(frame, options.task), options, { cmdId, dataId });
  }

  /** A preview (latest-wins) or a measurement (admitted, then run), by the job's options. */
  private async run(job: Job): Promise<FrameFeatures> {
    return job.options.kind === 'preview' ? this.scheduler.offerPreview(job) : (await this.scheduler.admitMeasurement(job)).result;
  }

  /** A frame that failed before it could be queued, reported like any other result. */
  private failed(source: FrameSource, error: unknown): Admitted<FrameResult> {
    const result: FrameResult = { source, ok: false, error: error instanceof Error ? error : new Error(String(error)) };
    this.results$.next(result);
    return { result: Promise.resolve(result) };
  }

  /** Admit a job; its result settles to a FrameResult (never rejects). */
  private async submitTracked(job: Job): Promise<Admitted<FrameResult>> {
    const { result } = await this.scheduler.admitMeasurement(job);
    return {
      result: result.then(
        (features): FrameResult => ({ source: job.source, ok: true, result: features }),
        (error: unknown): FrameResult => ({ source: job.source, ok: false, error: error as Error }),
      ),
    };
  }

  /** Run a job and publish its outcome on results$. */
  private async execute(job: Job): Promise<FrameFeatures> {
    try {
      const result = await this.analyze(job);
      this.results$.next({ source: job.source, ok: true, result });
      return result;
    } catch (error) {
      this.results$.next({ source: job.source, ok: false, error: error as Error });
      throw error;
    }
  }

  /** Run one job on a worker: the model, or the classical method instead when the model fails. */
  private async analyze(job: Job): Promise<FrameFeatures> {
    const startedAt = performance.now();
    const useModel = job.options.method !== 'classical';
    let model: LoadedModel | undefined;
    let fallbackReason: string | undefined;
    let response: AnalyzeResponse | undefined;
    if (useModel) {
      try {
        model = await this.registry.get(job.options.model, job.task);
        response = await this.runOnPool(job, model);
        if (!response.ok) throw new Error(`${response.error.name}: ${response.error.message}`);
      } catch (error) {
        if (this.config.onModelError === 'fail') throw error;
        fallbackReason = (error as Error).message;
        model = undefined;
        response = undefined;
      }
    }
    response ??= await this.runOnPool(job, undefined);
    if (!response.ok) throw new Error(`${response.error.name}: ${response.error.message}`);
    return {
      task: job.task,
      features: response.features,
      ...(response.atoms ? { atoms: response.atoms } : {}),
      ...(response.overlayPng ? { overlayPng: response.overlayPng } : {}),
      provenance: this.provenance(job, model, response, fallbackReason, startedAt),
    };
  }

  private runOnPool(job: Job, model: LoadedModel | undefined): Promise<AnalyzeResponse> {
    const { width, height, data, pixelSizeNm } = job.image;
    return this.pool.run({
      task: job.task,
      // A copy goes to the worker, so the classical fallback still has the pixels if the worker dies.
      image: { width, height, data: data.slice(), ...(pixelSizeNm === undefined ? {} : { pixelSizeNm }) },
      ...(model ? { model: { path: model.modelPath, inputName: model.card.input.name, outputName: model.card.output.name, spec: model.spec } } : {}),
      options: { ...DEFAULT_ANALYZE_OPTIONS, overlay: job.options.overlay !== false },
      includeAtoms: job.options.atoms === true,
    });
  }

  private provenance(job: Job, model: LoadedModel | undefined, response: AnalyzeResponse & { ok: true }, fallbackReason: string | undefined, startedAt: number): FrameProvenance {
    const warnings: string[] = [];
    const range = model?.card.input.pixelSizeNm;
    const pixelSizeNm = job.image.pixelSizeNm;
    if (range && pixelSizeNm !== undefined && (pixelSizeNm < range.min || pixelSizeNm > range.max)) {
      warnings.push(`pixel size ${pixelSizeNm} nm is outside the model's training range ${range.min}..${range.max} nm`);
    }
    if (model && pixelSizeNm === undefined) warnings.push('no pixel size: densities and lengths in nm are omitted');
    const preprocessing = model
      ? `${describeNormalization(model)}; ${response.tiles} tile(s) of up to ${model.spec.tilePx} px, overlap ${model.spec.overlapPx} px`
      : 'classical: raw pixels (Anscombe transform for counts, Gaussian smoothing)';
    return {
      method: model ? 'model' : 'classical',
      ...(model ? { model: { name: model.card.name, sha256: model.sha256, card: model.cardPath }, normalization: model.card.input.normalization } : {}),
      ...(fallbackReason ? { fallbackReason } : {}),
      preprocessing,
      tiles: response.tiles,
      ...(pixelSizeNm === undefined ? {} : { pixelSizeNm }),
      warnings,
      latencyMs: performance.now() - job.arrivedAt,
      queueMs: startedAt - job.arrivedAt,
      inferenceMs: response.inferenceMs,
      postprocessMs: response.postprocessMs,
      source: job.source,
    };
  }
}

function describeNormalization(model: LoadedModel): string {
  const n = model.card.input.normalization;
  switch (n.kind) {
    case 'zscore':
      return 'z-score over the whole frame';
    case 'fixed':
      return `(x - ${n.mean}) / ${n.std}`;
    case 'percentile':
      return `frame percentiles ${n.low}..${n.high} to 0..1`;
  }
}
