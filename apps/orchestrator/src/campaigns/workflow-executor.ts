import { randomUUID } from 'node:crypto';
import type { CampaignConfig, ObjectiveConfig, WorkflowStep } from '@lab/config';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CommandHandle, type CommandResult, type DataFrame, decodeDataFrame, encodeDataFrame } from '@lab/drivers';
import type { Instrument } from '@lab/instruments';
import type { Repository } from 'typeorm';
import type { JsonRecord } from '../persistence/columns';
import { CommandLogEntity, type ExperimentEntity, MeasurementEntity, type StoredFile } from '../persistence/entities';
import { type DiskFullHooks, writeWhenSpace } from '../runtime/disk-full';
import type { LabRuntime } from '../runtime/lab-runtime';
import { computeFeatures } from './features';
import { InstrumentLocks, type Turn } from './instrument-locks';
import type { ShiftNm } from './registration';
import { CampaignAborted, type RunControl } from './run-control';
import { resolveTemplates, type TemplateScope } from './templates';

/** How long a step waits for its instrument to come (back) online before the experiment errors. */
const INSTRUMENT_WAIT_MS = 30_000;

/** The drift correction an experiment's locations are sent with: parameter x gets + dxNm, y + dyNm. */
export interface LocationCorrection extends ShiftNm {
  x: string;
  y: string;
}

/** How a step waits for its instrument, and the idempotency key its first attempt goes under. */
interface StepTurn {
  /** Resolves once the instruments are this experiment's, with the turns taken now; the step's command is journalled before. */
  takeTurn?: () => Promise<Turn[]>;
  /** Called once the step's command is on the instrument (accepted), or will not be sent. */
  underway?: () => void;
  /** Default `<campaign>/<index>/<step>`. */
  keyBase?: string;
}

export interface RunOptions {
  /** What the setup steps gave, for the workflow's templates. */
  setupOutputs?: Record<string, Record<string, unknown>>;
  correction?: LocationCorrection;
  /**
   * Called once the first command is on its instrument, or journalled and waiting for its turn (or
   * the experiment ended before): planning the next experiment after that does not hold it up.
   */
  underway?: () => void;
}

/** Why an experiment ended without objective values. */
export class ExperimentFailed extends Error {
  constructor(
    message: string,
    /** True when the sample itself failed (data for the planner), false for an instrument problem. */
    readonly informative: boolean,
  ) {
    super(message);
  }
}

/**
 * Runs the workflow of one experiment, step by step, with a checkpoint before each step. A step
 * interrupted by pause-now runs again after the resume, under a new idempotency key (the first
 * command ended cancelled; the instrument must not replay that).
 */
export class WorkflowExecutor {
  private readonly measurements: Repository<MeasurementEntity>;
  private readonly commands: Repository<CommandLogEntity>;
  private readonly locks = new InstrumentLocks();

  constructor(
    private readonly runtime: LabRuntime,
    private readonly campaignId: string,
    private readonly control: RunControl,
    private readonly pausePoint: () => Promise<void>,
    /** Told when storing waits for disk space, and when it goes through again. */
    private readonly diskFull: DiskFullHooks,
  ) {
    this.measurements = runtime.db.getRepository(MeasurementEntity);
    this.commands = runtime.db.getRepository(CommandLogEntity);
  }

  /**
   * Run the campaign's setup steps once (a sample, an overview image); after a restart, what was
   * stored is read back instead of measured again. Returns each step's outputs and data.
   */
  async runSetup(row: ExperimentEntity, config: CampaignConfig): Promise<Map<string, { outputs: Record<string, unknown>; frames: DataFrame[] }>> {
    const done = new Map<string, { outputs: Record<string, unknown>; frames: DataFrame[] }>();
    const scope: TemplateScope = { params: {}, experiment: { id: row.id, sampleId: row.sampleId, index: row.index }, steps: {} };
    for (const step of config.setup) {
      const stored = await this.measurements.findOneBy({ experimentId: row.id, stepId: step.id });
      if (stored) {
        const frames = await Promise.all(stored.files.map(async (f) => decodeDataFrame(await readFile(join(this.runtime.blobs.root, f.path)))));
        done.set(step.id, { outputs: stored.outputs, frames });
      } else {
        const result = await this.runStep(row, step, scope, config);
        await this.storeMeasurement(row, step, result, true);
        done.set(step.id, { outputs: result.outputs ?? {}, frames: result.data });
      }
      scope.steps[step.id] = done.get(step.id)?.outputs ?? {};
    }
    return done;
  }

  /**
   * A registration rescan (k = 0 is the reference): run once, under its own idempotency key so a
   * replay after a crash reattaches to it instead of scanning again, and stored (under the given
   * row, like the setup's measurements) so a restart reads it back. Holds the instrument like an experiment's span does.
   */
  async runRegistrationScan(registrationRow: ExperimentEntity, k: number, step: WorkflowStep, config: CampaignConfig): Promise<DataFrame[]> {
    const scanStep: WorkflowStep = { ...step, id: `registration-${k}` };
    const stored = await this.storedRegistrationScan(registrationRow, k);
    if (stored) return stored;
    let held: Turn | undefined;
    try {
      const scope: TemplateScope = { params: {}, experiment: { id: registrationRow.id, sampleId: registrationRow.sampleId, index: registrationRow.index }, steps: {} };
      const takeTurn = async (): Promise<Turn[]> => (held ? [] : [(held = await this.locks.acquire(step.instrument))]);
      const result = await this.runStep(registrationRow, scanStep, scope, config, { takeTurn, keyBase: `${this.campaignId}/registration/${k}` });
      await this.storeMeasurement(registrationRow, scanStep, result, true);
      return result.data;
    } finally {
      void held?.release();
    }
  }

  /** The frames of registration rescan k, if an earlier run stored them. */
  async storedRegistrationScan(registrationRow: ExperimentEntity, k: number): Promise<DataFrame[] | undefined> {
    const stored = await this.measurements.findOneBy({ experimentId: registrationRow.id, stepId: `registration-${k}` });
    if (!stored) return undefined;
    return Promise.all(stored.files.map(async (f) => decodeDataFrame(await readFile(join(this.runtime.blobs.root, f.path)))));
  }

  /**
   * Run every step; returns the objective values. Each instrument is held from the experiment's
   * first step on it to its last, so experiments in flight together take turns and a sample handed
   * over to a microscope stays the one under its beam until its measurements are done.
   */
  async run(row: ExperimentEntity, config: CampaignConfig, { setupOutputs = {}, correction, underway = () => undefined }: RunOptions = {}): Promise<Record<string, number>> {
    // The row keeps the location the planner chose; the steps are sent where that surface is now.
    const scope: TemplateScope = { params: correctedParams(row.params, correction), experiment: { id: row.id, sampleId: row.sampleId, index: row.index }, steps: { ...setupOutputs } };
    const spans = instrumentSpans(config.workflow, (id) => this.runtime.instruments.has(id));
    const held = new Map<string, Turn>();
    const release = async (instrumentId: string): Promise<void> => {
      const turn = held.get(instrumentId);
      held.delete(instrumentId);
      await turn?.release();
    };
    try {
      for (const [index, step] of config.workflow.entries()) {
        // The step's command is journalled while the instrument may still serve another experiment
        // in flight, and sent the moment the instrument is this one's.
        const takeTurn = async (): Promise<Turn[]> => {
          const taken: Turn[] = [];
          for (const [instrumentId, span] of spans) {
            if (span.first !== index || held.has(instrumentId)) continue;
            if (index === 0 && this.locks.busy(instrumentId)) underway();
            const turn = await this.locks.acquire(instrumentId);
            held.set(instrumentId, turn);
            taken.push(turn);
          }
          return taken;
        };
        const sent = await this.runStep(row, step, scope, config, { takeTurn, underway: index === 0 ? underway : undefined });
        // The instrument is done with this experiment once its last command has a result: storing
        // and segmenting happen while it already serves the next experiment in flight, once that
        // experiment's command is on it (a few ms: storing would hold the command up on its way).
        await Promise.all([...spans].filter(([, span]) => span.last === index).map(([instrumentId]) => release(instrumentId)));
        // Which correction a measurement was taken with stays next to it (the command log has the sent params).
        const result = correction && (sent.data.length > 0 || sent.outputs) ? { ...sent, outputs: { ...(sent.outputs ?? {}), registrationDxNm: correction.dxNm, registrationDyNm: correction.dyNm } } : sent;
        const { features, files: stored } = await this.storeMeasurement(row, step, result);
        scope.steps[step.id] = { ...(result.outputs ?? {}), ...features };
        this.runtime.events.publish('experiment.step', { experimentId: row.id, stepId: step.id, outputs: result.outputs ?? {}, features, files: stored }, this.campaignId);
        if (result.outputs?.outcome === 'failed') {
          throw new ExperimentFailed(`${step.id}: sample failed (${String(result.outputs.failureReason ?? 'no reason given')})`, true);
        }
      }
    } finally {
      underway();
      for (const instrumentId of [...held.keys()]) void release(instrumentId);
    }
    return Object.fromEntries(config.objectives.map((o) => [o.name, objectiveValue(o, scope)]));
  }

  private async runStep(row: ExperimentEntity, step: WorkflowStep, scope: TemplateScope, config: CampaignConfig, turn: StepTurn = {}): Promise<CommandResult> {
    const instrument = this.runtime.instruments.get(step.instrument);
    if (!instrument) throw new ExperimentFailed(`no instrument '${step.instrument}'`, false);
    const keyBase = turn.keyBase ?? `${this.campaignId}/${row.index}/${step.id}`;
    for (let attempt = 0; ; attempt++) {
      await this.pausePoint();
      const idempotencyKey = `${keyBase}${attempt > 0 ? `/retry-${attempt}` : ''}`;
      // After a restart the step may already have been sent: send it again under the same id and
      // key, and the instrument replays its result (or reattaches to it) instead of running it twice.
      const earlier = await this.commands.findOneBy({ idempotencyKey });
      // An attempt cancelled (pause-now, or withdrawn unsent) before the restart is passed over: the next one has its own key.
      if (earlier?.status === 'cancelled') continue;
      const prepared = await instrument.prepare(step.action, resolveTemplates(step.params, scope), {
        issuedBy: `campaign:${this.campaignId}`,
        idempotencyKey,
        cmdId: earlier?.cmdId,
        expectedDurationS: step.expectedDurationS,
        envelope: config.safety[step.instrument],
        context: { campaignId: this.campaignId, experimentId: row.id, stepId: step.id },
      });
      let taken: Turn[] = [];
      // Whoever passed the instrument on goes on once this command is on it, or will not be.
      const underway = (): void => {
        for (const t of taken) t.underway();
        turn.underway?.();
      };
      try {
        taken = (await turn.takeTurn?.()) ?? [];
        // A pause, an abort or a problem may have come while the command waited for its turn.
        await this.pausePoint();
        await this.ready(instrument, step);
      } catch (error) {
        underway();
        await prepared.withdraw(error instanceof Error ? error.message : String(error));
        throw error;
      }
      const handle = await prepared.send().catch((error: unknown) => {
        underway();
        throw error;
      });
      handle.accepted.then(underway, underway);
      const result = await this.follow(row, step, instrument, handle);
      if (result) return result;
      // Interrupted by pause-now: back to the checkpoint before this step, then again.
    }
  }

  /** A sent step to its end; undefined when pause-now interrupted it. */
  private async follow(row: ExperimentEntity, step: WorkflowStep, instrument: Instrument, handle: CommandHandle): Promise<CommandResult | undefined> {
    const detach = this.control.onInterrupt(() => {
      instrument.send('cancel', { targetCmdId: handle.cmdId }, { issuedBy: `campaign:${this.campaignId}` }).catch(() => undefined);
    });
    const progress = handle.progress$.subscribe((p) =>
      this.runtime.events.publish('command.progress', { experimentId: row.id, stepId: step.id, instrumentId: step.instrument, ...p }, this.campaignId),
    );
    let result: CommandResult;
    try {
      result = await handle.result;
    } catch (error) {
      if (this.control.requested === 'abort') throw new CampaignAborted(`aborted during ${step.id}`);
      if (this.control.rewinding) return undefined;
      throw new ExperimentFailed(`${step.id}: ${(error as Error).message}`, false);
    } finally {
      detach();
      progress.unsubscribe();
    }
    if (result.status === 'succeeded') return result;
    if (this.control.requested === 'abort') throw new CampaignAborted(`aborted during ${step.id}`);
    if (result.status === 'cancelled' && this.control.rewinding) return undefined;
    // An e-stop cancels the step; the campaign is paused by the stop, so run the step again after it.
    if (result.status === 'cancelled' && result.error?.code === 'estop' && this.control.requested === 'pause') return undefined;
    throw new ExperimentFailed(`${step.id}: ${result.status}${result.error ? ` (${result.error.code}: ${result.error.message})` : ''}`, false);
  }

  /** Wait until automation may use the instrument: nobody holds it, no open problem, online. */
  private async ready(instrument: Instrument, step: WorkflowStep): Promise<void> {
    if (instrument.view.leasedBy !== null || instrument.view.problems.length > 0) {
      this.runtime.events.publish('alert', { level: 'info', message: `${step.id} waits for ${instrument.id}: ${instrument.view.leasedBy ? `held by ${instrument.view.leasedBy}` : `problem ${instrument.view.problems.join(', ')}`}` }, this.campaignId);
      await instrument.whenAutomatable();
    }
    await instrument.whenAvailable(INSTRUMENT_WAIT_MS).catch((error: Error) => {
      throw new ExperimentFailed(`${step.id}: ${error.message}`, false);
    });
  }

  /** A write that waits for disk space rather than lose what the instrument measured. */
  private store<T>(write: () => Promise<T>): Promise<T> {
    return writeWhenSpace(write, this.diskFull);
  }

  /** Segment an image into features (added to `features`); returns the provenance, or nothing for data it does not analyse. */
  private async analyse(frame: DataFrame, features: Record<string, number>): Promise<JsonRecord | undefined> {
    if (!isAnalysed(frame)) return undefined;
    const analysed = await this.runtime.vision().features(frame);
    for (const [name, value] of Object.entries(analysed.features)) if (typeof value === 'number' && Number.isFinite(value)) features[name] = value;
    const png = analysed.overlayPng;
    const overlay = png ? await this.store(() => this.runtime.blobs.put(png, 'png')) : undefined;
    return JSON.parse(JSON.stringify({ task: analysed.task, ...analysed.provenance, overlay })) as JsonRecord;
  }

  private async storeMeasurement(row: ExperimentEntity, step: WorkflowStep, result: CommandResult, always = false): Promise<{ features: Record<string, number>; files: StoredFile[] }> {
    const features = computeFeatures(result.data);
    if (result.data.length === 0 && !result.outputs && !always) return { features, files: [] };
    // A step replayed after a restart was stored before the crash: keep the first record.
    const earlier = await this.measurements.findOneBy({ experimentId: row.id, stepId: step.id });
    if (earlier) return { features: earlier.features, files: earlier.files };
    const files: StoredFile[] = [];
    for (const frame of result.data) {
      const bytes = encodeDataFrame(frame);
      // The raw frame is written while the model segments it.
      const [stored, analysis] = await Promise.all([this.store(() => this.runtime.blobs.put(bytes, 'frame')), this.analyse(frame, features)]);
      const { dataId, kind, shape, channel, rows } = frame.header;
      files.push({ dataId, kind, shape, channel, rows, ...stored, ...(analysis ? { analysis } : {}) });
    }
    const id = randomUUID();
    await this.store(() => this.measurements.insert({
      id,
      campaignId: this.campaignId,
      experimentId: row.id,
      stepId: step.id,
      instrumentId: step.instrument,
      cmdId: result.cmdId,
      outputs: result.outputs ?? {},
      features,
      files,
      createdAtMs: Date.now(),
    }));
    return { features, files };
  }
}

/** Frames the vision pipeline turns into features: atoms from atomic-resolution HAADF, domains from PFM phase. */
function isAnalysed({ header }: DataFrame): boolean {
  if (header.kind !== 'image') return false;
  // Coarser HAADF pixels show grains, not columns: the atom model has nothing to find there.
  if (header.channel === 'haadf') return (header.pixelSizeNm ?? 0) <= ATOMIC_PIXEL_MAX_NM;
  return header.channel === 'pfmPhase';
}
/** Columns 0.39 nm apart need pixels of at most half that (the twin's `resolved` rule). */
const ATOMIC_PIXEL_MAX_NM = 0.2;

/**
 * For each instrument, the first and last workflow step that uses it: the step's own instrument,
 * and the instrument a step hands the sample `to`.
 */
export function instrumentSpans(workflow: readonly WorkflowStep[], isInstrument: (id: string) => boolean): Map<string, { first: number; last: number }> {
  const spans = new Map<string, { first: number; last: number }>();
  workflow.forEach((step, index) => {
    const to = step.params.to;
    for (const id of [step.instrument, ...(typeof to === 'string' && isInstrument(to) ? [to] : [])]) {
      const span = spans.get(id);
      spans.set(id, { first: span?.first ?? index, last: index });
    }
  });
  return spans;
}

/** The experiment's params with the location moved by the correction (numbers only; others as they are). */
function correctedParams(params: ExperimentEntity['params'], correction: LocationCorrection | undefined): ExperimentEntity['params'] {
  if (!correction) return params;
  const moved = { ...params };
  const x = params[correction.x];
  const y = params[correction.y];
  if (typeof x === 'number') moved[correction.x] = x + correction.dxNm;
  if (typeof y === 'number') moved[correction.y] = y + correction.dyNm;
  return moved;
}

function objectiveValue(objective: ObjectiveConfig, scope: TemplateScope): number {
  const value = scope.steps[objective.from.step]?.[objective.from.feature];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ExperimentFailed(`objective ${objective.name}: step ${objective.from.step} gave no number '${objective.from.feature}'`, false);
  }
  return value;
}
