import { randomUUID } from 'node:crypto';
import type { CampaignConfig, ObjectiveConfig } from '@lab/config';
import { type CommandResult, encodeDataFrame } from '@lab/drivers';
import type { Observation, Planner, Proposal } from '@lab/planners';
import type { Repository } from 'typeorm';
import { CampaignEntity, type CampaignStatus, ExperimentEntity, MeasurementEntity, type StoredFile } from '../persistence/entities';
import type { LabRuntime } from '../runtime/lab-runtime';
import { computeFeatures } from './features';
import { CampaignAborted, RunControl } from './run-control';
import { resolveTemplates, type TemplateScope } from './templates';

export interface CampaignSummary {
  campaignId: string;
  name: string;
  status: CampaignStatus;
  experiments: number;
  succeeded: number;
  failed: number;
  best: { experimentId: string; params: Record<string, number | string>; value: number } | null;
}

export interface RunProgress {
  done: number;
  total: number;
  best: CampaignSummary['best'];
}

/** How long a step waits for its instrument to come (back) online before the experiment errors. */
const INSTRUMENT_WAIT_MS = 30_000;
/** After this many experiments in a row that could not be carried out, the campaign fails instead of burning its budget. */
const MAX_CONSECUTIVE_ERRORS = 3;

/** Why an experiment ended without objective values. */
class ExperimentFailed extends Error {
  constructor(
    message: string,
    /** True when the sample itself failed (data for the planner), false for an instrument problem. */
    readonly informative: boolean,
  ) {
    super(message);
  }
}

/**
 * Runs one campaign: ask the planner, run the workflow on the instruments, measure, tell the
 * planner, until the budget or a stopping rule ends it. Every decision and command is persisted
 * before it takes effect, so a restart can resume from the database.
 */
export class CampaignRunner {
  readonly control = new RunControl();
  private readonly campaigns: Repository<CampaignEntity>;
  private readonly experiments: Repository<ExperimentEntity>;
  private readonly measurements: Repository<MeasurementEntity>;
  private best: CampaignSummary['best'] = null;
  private consecutiveErrors = 0;
  private interrupted = false;
  private sinceImprovement = 0;

  constructor(
    private readonly runtime: LabRuntime,
    private readonly campaign: CampaignEntity,
    private readonly config: CampaignConfig,
    private readonly planner: Planner,
  ) {
    this.campaigns = runtime.db.getRepository(CampaignEntity);
    this.experiments = runtime.db.getRepository(ExperimentEntity);
    this.measurements = runtime.db.getRepository(MeasurementEntity);
  }

  /** Stop now because the orchestrator is shutting down: the campaign can resume on the next start. */
  interrupt(): void {
    this.interrupted = true;
    this.control.abort();
  }

  get id(): string {
    return this.campaign.id;
  }

  async run(onExperiment?: (progress: RunProgress) => void): Promise<CampaignSummary> {
    const startedAtMs = Date.now();
    await this.setStatus('running', { startedAtMs: this.campaign.startedAtMs ?? startedAtMs });
    let index = await this.replayHistory();
    let status: CampaignStatus = 'completed';
    let reason = 'budget reached';
    try {
      let queue: Proposal[] = [];
      while (true) {
        const stop = this.stoppingReason(index, startedAtMs);
        if (stop) {
          reason = stop;
          break;
        }
        if (this.control.requested === 'stop') {
          status = 'stopped';
          reason = 'stopped by request';
          break;
        }
        await this.pausePoint();
        if (queue.length === 0) {
          const remaining = this.config.budget.experiments - index;
          queue = this.planner.ask(Math.min(this.config.planner.batchSize, remaining));
        }
        const proposal = queue.shift() as Proposal;
        const pending = queue.map((p) => p.point);
        await this.runExperiment(index, proposal, pending);
        index += 1;
        onExperiment?.({ done: index, total: this.config.budget.experiments, best: this.best });
      }
    } catch (error) {
      if (error instanceof CampaignAborted) {
        status = this.interrupted ? 'interrupted' : 'aborted';
        reason = this.interrupted ? 'orchestrator shut down' : error.message;
      } else {
        status = 'failed';
        reason = error instanceof Error ? error.message : String(error);
        this.runtime.events.publish('alert', { level: 'error', message: `campaign ${this.config.name} failed: ${reason}` }, this.id);
      }
    }
    await this.setStatus(status, { finishedAtMs: Date.now(), statusReason: reason });
    return this.summary();
  }

  async summary(): Promise<CampaignSummary> {
    const rows = await this.experiments.find({ where: { campaignId: this.id } });
    return {
      campaignId: this.id,
      name: this.config.name,
      status: this.campaign.status,
      experiments: rows.length,
      succeeded: rows.filter((r) => r.status === 'succeeded').length,
      failed: rows.filter((r) => r.status === 'failed' || r.status === 'error').length,
      best: this.best,
    };
  }

  /** Tell the planner what earlier runs of this campaign measured; returns the next index. */
  private async replayHistory(): Promise<number> {
    const rows = await this.experiments.find({ where: { campaignId: this.id }, order: { index: 'ASC' } });
    const observations = rows.flatMap((row) => {
      this.track(row);
      const observation = this.toObservation(row);
      return observation ? [observation] : [];
    });
    if (observations.length > 0) this.planner.tell(observations);
    return rows.length;
  }

  private async runExperiment(index: number, proposal: Proposal, pending: Record<string, number | string>[]): Promise<void> {
    const id = randomUUID();
    const row = this.experiments.create({
      id,
      campaignId: this.id,
      index,
      status: 'proposed',
      sampleId: `${this.id.slice(0, 8)}-${index}`,
      proposedBy: `planner:${this.config.planner.kind}`,
      params: proposal.point,
      predicted: proposal.predicted,
      acquisition: Number.isFinite(proposal.acquisition) ? proposal.acquisition : null,
      explanation: { ...proposal.explanation, influential: proposal.explanation.influential.map((i) => ({ ...i })), pending: pending.length },
      objectives: null,
      failureReason: null,
      proposedAtMs: Date.now(),
      startedAtMs: null,
      finishedAtMs: null,
    });
    await this.experiments.insert(row);
    this.runtime.events.publish('experiment.proposed', { ...row }, this.id);

    row.status = 'running';
    row.startedAtMs = Date.now();
    await this.experiments.update(id, { status: row.status, startedAtMs: row.startedAtMs });
    this.runtime.events.publish('experiment.started', { id, index }, this.id);

    try {
      row.objectives = await this.runWorkflow(row);
      await this.finishExperiment(row, 'succeeded', null);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof CampaignAborted) {
        await this.finishExperiment(row, 'aborted', message);
        throw error;
      }
      // A failed sample is data for the planner; an instrument problem says nothing about the recipe.
      const informative = error instanceof ExperimentFailed && error.informative;
      row.objectives = null;
      await this.finishExperiment(row, informative ? 'failed' : 'error', message);
      if (!informative) {
        this.runtime.events.publish('alert', { level: 'warning', message: `experiment ${index}: ${message}` }, this.id);
        if (++this.consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
          throw new Error(`${this.consecutiveErrors} experiments in a row could not be carried out; last: ${message}`);
        }
        return;
      }
    }
    this.consecutiveErrors = 0;
    const observation = this.toObservation(row);
    if (observation) this.planner.tell([observation]);
    this.track(row);
  }

  private async finishExperiment(row: ExperimentEntity, status: ExperimentEntity['status'], reason: string | null): Promise<void> {
    row.status = status;
    row.failureReason = reason;
    row.finishedAtMs = Date.now();
    await this.experiments.update(row.id, { status, failureReason: reason, objectives: row.objectives, finishedAtMs: row.finishedAtMs });
    this.runtime.events.publish('experiment.finished', { ...row }, this.id);
  }

  /** Run every step; returns the objective values. */
  private async runWorkflow(row: ExperimentEntity): Promise<Record<string, number>> {
    const scope: TemplateScope = { params: row.params, experiment: { id: row.id, sampleId: row.sampleId, index: row.index }, steps: {} };
    const features: Record<string, Record<string, number>> = {};
    for (const step of this.config.workflow) {
      await this.pausePoint();
      const instrument = this.runtime.instruments.get(step.instrument);
      if (!instrument) throw new ExperimentFailed(`no instrument '${step.instrument}'`, false);
      await instrument.whenAvailable(INSTRUMENT_WAIT_MS).catch((error: Error) => {
        throw new ExperimentFailed(`${step.id}: ${error.message}`, false);
      });
      const handle = await instrument.send(step.action, resolveTemplates(step.params, scope), {
        issuedBy: `campaign:${this.id}`,
        idempotencyKey: `${this.id}/${row.index}/${step.id}`,
        expectedDurationS: step.expectedDurationS,
        envelope: this.config.safety[step.instrument],
        context: { campaignId: this.id, experimentId: row.id, stepId: step.id },
      });
      const detach = this.control.onAbort(() => {
        instrument.send('cancel', { targetCmdId: handle.cmdId }, { issuedBy: `campaign:${this.id}` }).catch(() => undefined);
      });
      const progress = handle.progress$.subscribe((p) =>
        this.runtime.events.publish('command.progress', { experimentId: row.id, stepId: step.id, instrumentId: step.instrument, ...p }, this.id),
      );
      let result: CommandResult;
      try {
        result = await handle.result;
      } catch (error) {
        if (this.control.requested === 'abort') throw new CampaignAborted('aborted during ' + step.id);
        throw new ExperimentFailed(`${step.id}: ${(error as Error).message}`, false);
      } finally {
        detach();
        progress.unsubscribe();
      }
      if (result.status === 'cancelled' && this.control.requested === 'abort') throw new CampaignAborted('aborted during ' + step.id);
      if (result.status !== 'succeeded') {
        throw new ExperimentFailed(`${step.id}: ${result.status}${result.error ? ` (${result.error.code}: ${result.error.message})` : ''}`, false);
      }
      features[step.id] = await this.storeMeasurement(row, step.id, step.instrument, result);
      scope.steps[step.id] = { ...(result.outputs ?? {}), ...features[step.id] };
      this.runtime.events.publish('experiment.step', { experimentId: row.id, stepId: step.id, outputs: result.outputs ?? {}, features: features[step.id] }, this.id);
      if (result.outputs?.outcome === 'failed') {
        throw new ExperimentFailed(`${step.id}: sample failed (${String(result.outputs.failureReason ?? 'no reason given')})`, true);
      }
    }
    return Object.fromEntries(this.config.objectives.map((o) => [o.name, this.objectiveValue(o, scope)]));
  }

  private objectiveValue(objective: ObjectiveConfig, scope: TemplateScope): number {
    const value = scope.steps[objective.from.step]?.[objective.from.feature];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ExperimentFailed(`objective ${objective.name}: step ${objective.from.step} gave no number '${objective.from.feature}'`, false);
    }
    return value;
  }

  private async storeMeasurement(row: ExperimentEntity, stepId: string, instrumentId: string, result: CommandResult): Promise<Record<string, number>> {
    const features = computeFeatures(result.data);
    if (result.data.length === 0 && !result.outputs) return features;
    const files: StoredFile[] = [];
    for (const frame of result.data) {
      const stored = await this.runtime.blobs.put(encodeDataFrame(frame), 'frame');
      const { dataId, kind, shape, channel, rows } = frame.header;
      files.push({ dataId, kind, shape, channel, rows, ...stored });
    }
    await this.measurements.insert({
      id: randomUUID(),
      campaignId: this.id,
      experimentId: row.id,
      stepId,
      instrumentId,
      cmdId: result.cmdId,
      outputs: result.outputs ?? {},
      features,
      files,
      createdAtMs: Date.now(),
    });
    return features;
  }

  private toObservation(row: ExperimentEntity): Observation | undefined {
    if (row.status === 'succeeded' && row.objectives) return { id: row.id, point: row.params, values: row.objectives };
    if (row.status === 'failed') return { id: row.id, point: row.params, failed: true };
    return undefined;
  }

  /** Best value of the first objective, and how long since it improved. */
  private track(row: ExperimentEntity): void {
    const objective = this.config.objectives[0];
    const value = row.objectives?.[objective.name];
    if (row.status !== 'succeeded' || value === undefined) {
      this.sinceImprovement += 1;
      return;
    }
    const score = (v: number): number =>
      objective.direction === 'maximize' ? v : objective.direction === 'minimize' ? -v : -Math.abs(v - (objective.target ?? 0));
    if (!this.best || score(value) > score(this.best.value)) {
      this.best = { experimentId: row.id, params: row.params, value };
      this.sinceImprovement = 0;
    } else {
      this.sinceImprovement += 1;
    }
  }

  private stoppingReason(index: number, startedAtMs: number): string | undefined {
    const { budget, stopping, objectives } = this.config;
    if (index >= budget.experiments) return `budget reached: ${index} experiments`;
    if (budget.hours !== undefined && (Date.now() - startedAtMs) / this.runtime.timeScale >= budget.hours * 3_600_000) {
      return `budget reached: ${budget.hours} h of instrument time`;
    }
    if (stopping.target !== undefined && this.best) {
      const o = objectives[0];
      const reached = o.direction === 'maximize' ? this.best.value >= stopping.target : o.direction === 'minimize' ? this.best.value <= stopping.target : Math.abs(this.best.value - (o.target ?? 0)) <= stopping.target;
      if (reached) return `target reached: ${o.name} = ${this.best.value}`;
    }
    if (stopping.noImprovementFor !== undefined && this.best && this.sinceImprovement >= stopping.noImprovementFor) {
      return `no improvement for ${this.sinceImprovement} experiments`;
    }
    return undefined;
  }

  /** A checkpoint: wait here while paused (recorded as such), throw if aborted. */
  private async pausePoint(): Promise<void> {
    let paused = false;
    await this.control.checkpoint(() => {
      paused = true;
      void this.setStatus('paused');
    });
    if (paused) await this.setStatus('running');
  }

  private async setStatus(status: CampaignStatus, extra: Partial<CampaignEntity> = {}): Promise<void> {
    Object.assign(this.campaign, { status, ...extra });
    await this.campaigns.update(this.id, { status, ...extra });
    this.publishStatus(status);
  }

  private publishStatus(status: CampaignStatus): void {
    this.runtime.events.publish('campaign.status', { id: this.id, name: this.config.name, status, reason: this.campaign.statusReason }, this.id);
  }
}
