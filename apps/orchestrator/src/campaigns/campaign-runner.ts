import type { CampaignConfig } from '@lab/config';
import type { DataFrame } from '@lab/drivers';
import type { Candidate, Observation, Point, SteerablePlanner } from '@lab/planners';
import type { Repository } from 'typeorm';
import { CampaignEntity, type CampaignStatus, ExperimentEntity, MeasurementEntity } from '../persistence/entities';
import type { LabRuntime } from '../runtime/lab-runtime';
import type { ApprovalGate } from './approval-gate';
import { candidatesFromAtoms } from './atom-candidates';
import { candidatesFromImages } from './candidates';
import { DriftTracker } from './drift-tracker';
import { BestTracker, DoseMeter, stoppingReason } from './stopping';
import { type ModelMap, modelMapOf } from './model-map';
import { plannerConfigOf } from './planner-config';
import { ProposalFlow } from './proposal-flow';
import { CampaignAborted, RunControl } from './run-control';
import { ExperimentFailed, WorkflowExecutor } from './workflow-executor';

export interface CampaignSummary {
  campaignId: string;
  name: string;
  status: CampaignStatus;
  experiments: number;
  succeeded: number;
  failed: number;
  best: { experimentId: string; params: Point; value: number } | null;
}

export type { ModelMap } from './model-map';

export interface RunProgress {
  done: number;
  total: number;
  best: CampaignSummary['best'];
}

/** After this many experiments in a row that could not be carried out, the campaign fails instead of burning its budget. */
const MAX_CONSECUTIVE_ERRORS = 3;

/**
 * Runs one campaign: ask the planner (or take a person's injected experiment), pass the approval
 * gate, run the workflow on the instruments, tell the planner, until the budget or a stopping
 * rule ends it. Every decision and command is persisted before it takes effect, so a restart can
 * resume from the database.
 */
export class CampaignRunner {
  readonly control = new RunControl();
  private readonly campaigns: Repository<CampaignEntity>;
  private readonly experiments: Repository<ExperimentEntity>;
  private readonly executor: WorkflowExecutor;
  private readonly proposals: ProposalFlow;
  /** Experiments a crash left unfinished: they run again (same keys) before anything new. */
  private unfinished: ExperimentEntity[] = [];
  private unknownWaiters: (() => void)[] = [];
  /** What the setup steps gave, for the workflow's templates. */
  private setupOutputs: Record<string, Record<string, unknown>> = {};
  /** Locations from the overview image, when the campaign chooses among them. */
  private candidates?: Candidate[];
  /** Drift between the overview and the measurements, when the campaign tracks it (candidates.registration). */
  private readonly drift: DriftTracker;
  private readonly progress = new BestTracker();
  private readonly dose = new DoseMeter();
  /** Experiments running now, by id: their points are pending for the planner. */
  private readonly inFlight = new Map<string, { point: Point; done: Promise<void> }>();
  /** What ended an experiment running in the background and must end the campaign. */
  private fatal?: unknown;
  private consecutiveErrors = 0;
  private interrupted = false;

  constructor(
    private readonly runtime: LabRuntime,
    private readonly campaign: CampaignEntity,
    private config: CampaignConfig,
    private readonly planner: SteerablePlanner,
  ) {
    this.campaigns = runtime.db.getRepository(CampaignEntity);
    this.experiments = runtime.db.getRepository(ExperimentEntity);
    this.proposals = new ProposalFlow({
      campaignId: campaign.id,
      experiments: this.experiments,
      events: runtime.events,
      planner,
      config: () => this.config,
      awaitingPerson: async (waiting) => {
        if (waiting) await this.setStatus('awaiting_approval');
        else if (this.campaign.status === 'awaiting_approval') await this.setStatus('running');
      },
    });
    this.executor = new WorkflowExecutor(runtime, campaign.id, this.control, () => this.pausePoint(), {
      full: (error) => {
        this.runtime.events.publish('alert', { level: 'error', code: 'disk_full', message: `disk full: ${error.message}; measurements wait in memory until there is space` }, this.id);
        void this.setStatus('paused', { statusReason: 'disk full: waiting for space to store measurements' });
      },
      cleared: () => {
        this.runtime.events.publish('alert', { level: 'info', code: 'disk_full_cleared', message: 'disk space is back: measurements stored, the campaign goes on' }, this.id);
        void this.setStatus('running', { statusReason: null });
      },
    });
    this.drift = new DriftTracker(campaign.id, this.executor, runtime.events, this.pseudoRow('registration'));
  }

  get id(): string {
    return this.campaign.id;
  }

  /** Proposals waiting for a person's decision. */
  get approvals(): ApprovalGate {
    return this.proposals.approvals;
  }

  get status(): CampaignStatus {
    return this.campaign.status;
  }

  /** Stop now because the orchestrator is shutting down: the campaign can resume on the next start. */
  interrupt(): void {
    this.interrupted = true;
    this.abort();
  }

  abort(): void {
    this.control.abort();
    this.approvals.withdrawAll();
    this.unknownWaiters.splice(0).forEach((wake) => wake());
  }

  /** Queue a person's experiment to run next (the caller has validated the point). */
  inject(point: Point, by: string): void {
    this.proposals.inject(point, by);
  }

  /** Leave an observation out of the model from now on; the row and its data stay. */
  exclude(experimentId: string): void {
    this.planner.exclude(experimentId);
  }

  /** What the model believes over two inputs (see model-map.ts). */
  modelMap(xName: string, yName: string, cellsPerSide: number): ModelMap | null {
    return modelMapOf(this.config, this.planner, { x: xName, y: yName, cellsPerSide, base: this.progress.best?.params, candidates: this.candidates });
  }

  /** A new config version (bounds, constraints, objectives): the model is kept, the space changes. */
  applyConfig(config: CampaignConfig): void {
    this.planner.updateSpace({ ...plannerConfigOf(config, this.campaign.seed).space, candidates: this.candidates });
    this.config = config;
  }

  async run(onExperiment?: (progress: RunProgress) => void): Promise<CampaignSummary> {
    const startedAtMs = Date.now();
    await this.setStatus('running', { startedAtMs: this.campaign.startedAtMs ?? startedAtMs });
    let { nextIndex, counted } = await this.replayHistory();
    let status: CampaignStatus = 'completed';
    let reason = 'budget reached';
    const report = (): void => onExperiment?.({ done: counted - this.inFlight.size, total: this.config.budget.experiments, best: this.progress.best });
    try {
      await this.runSetup();
      while (true) {
        // Decide with every result in that can be in: with one experiment in flight, all of them.
        await this.waitForSlot();
        const instrumentHours = (Date.now() - startedAtMs) / this.runtime.timeScale / 3_600_000;
        const stop = stoppingReason(this.config, this.progress, { experiments: counted, inFlight: this.inFlight.size, instrumentHours, dose: this.dose });
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
        await this.waitForUnknownDecisions();
        await this.drift.rescanIfDue(this.config, counted - this.inFlight.size);
        const leftover = this.unfinished.shift();
        if (leftover) {
          await this.resumeExperiment(leftover);
          report();
          continue;
        }
        const row = await this.proposals.next(nextIndex, this.config.budget.experiments - counted, () => [...this.inFlight.values()].map((e) => e.point));
        nextIndex = row.index + 1;
        counted += 1;
        let underway!: () => void;
        const started = new Promise<void>((resolve) => (underway = resolve));
        const done = this.execute(row, underway).then(
          () => {
            this.inFlight.delete(row.id);
            report();
          },
          (error: unknown) => {
            this.inFlight.delete(row.id);
            this.fatal ??= error;
          },
        );
        this.inFlight.set(row.id, { point: row.params, done });
        // Plan the next experiment once this one's first command is on its way (or waits its turn).
        await Promise.race([started, done]);
      }
      await this.drain();
    } catch (error) {
      await this.drain().catch(() => undefined);
      if (error instanceof CampaignAborted) {
        status = this.interrupted ? 'interrupted' : 'aborted';
        reason = this.interrupted ? 'orchestrator shut down' : error.message;
      } else {
        status = 'failed';
        reason = error instanceof Error ? error.message : String(error);
        this.runtime.events.publish('alert', { level: 'error', message: `campaign ${this.config.name} failed: ${reason}` }, this.id);
      }
    }
    this.approvals.withdrawAll();
    await this.setStatus(status, { finishedAtMs: Date.now(), statusReason: reason });
    return this.summary();
  }

  /** Wait until fewer experiments than allowed are in flight; rethrow what ended one of them fatally. */
  private async waitForSlot(): Promise<void> {
    while (this.inFlight.size >= this.config.planner.inFlight) await Promise.race([...this.inFlight.values()].map((e) => e.done));
    this.throwFatal();
  }

  /** Let every experiment in flight finish (or end, after an abort). */
  private async drain(): Promise<void> {
    await Promise.all([...this.inFlight.values()].map((e) => e.done));
    this.throwFatal();
  }

  private throwFatal(): void {
    if (this.fatal === undefined) return;
    const fatal = this.fatal;
    this.fatal = undefined;
    throw fatal;
  }

  async summary(): Promise<CampaignSummary> {
    const rows = await this.experiments.find({ where: { campaignId: this.id } });
    return {
      campaignId: this.id,
      name: this.config.name,
      status: this.campaign.status,
      experiments: rows.filter((r) => r.status !== 'rejected').length,
      succeeded: rows.filter((r) => r.status === 'succeeded').length,
      failed: rows.filter((r) => r.status === 'failed' || r.status === 'error').length,
      best: this.progress.best,
    };
  }

  /** Tell the planner what earlier runs of this campaign measured; where to go on from. */
  private async replayHistory(): Promise<{ nextIndex: number; counted: number }> {
    const rows = await this.experiments.find({ where: { campaignId: this.id }, order: { index: 'ASC' } });
    this.unfinished = rows.filter((r) => ['proposed', 'approved', 'running', 'unknown'].includes(r.status));
    for (const row of rows) {
      const observation = this.observationOf(row);
      if (!observation) continue;
      this.planner.tell([observation]);
      if (row.excludedReason) this.planner.exclude(row.id);
      this.progress.track(row, this.config.objectives[0]);
    }
    if (this.config.budget.doseEPerA2 !== undefined) {
      for (const row of [{ id: `setup-${this.id}` }, ...rows]) this.dose.add(await this.doseOf(row.id), row.id !== `setup-${this.id}`);
    }
    return { nextIndex: rows.length === 0 ? 0 : rows[rows.length - 1].index + 1, counted: rows.filter((r) => r.status !== 'rejected').length };
  }

  /** The setup steps, once; with a candidate grid, the planner then chooses among its locations. */
  private async runSetup(): Promise<void> {
    if (this.config.setup.length === 0) return;
    const row = this.pseudoRow('setup');
    const stored = await this.doseOf(row.id);
    const results = await this.executor.runSetup(row, this.config);
    this.dose.add((await this.doseOf(row.id)) - stored, false);
    this.setupOutputs = Object.fromEntries([...results].map(([stepId, r]) => [stepId, r.outputs]));
    const spec = this.config.candidates;
    if (!spec) return;
    const frames = results.get(spec.from.step)?.frames ?? [];
    const candidates = spec.from.channel === 'haadf' ? await this.atomCandidates(frames, spec) : candidatesFromImages(frames, spec);
    this.candidates = candidates;
    this.planner.updateSpace({ ...plannerConfigOf(this.config, this.campaign.seed).space, candidates });
    this.runtime.events.publish('alert', { level: 'info', message: `${candidates.length} candidate locations from ${spec.from.step}, described by ${spec.features.join(', ')}` }, this.id);
    await this.drift.start(this.config, results);
  }

  /** A pseudo-experiment on the setup's sample whose steps' measurements are stored under `<kind>-<campaignId>`. */
  private pseudoRow(kind: 'setup' | 'registration'): ExperimentEntity {
    return this.experiments.create({ id: `${kind}-${this.campaign.id}`, campaignId: this.campaign.id, index: -1, sampleId: `${this.campaign.id.slice(0, 8)}-setup`, params: {} });
  }

  /** Candidate tiles over an atom-resolved overview, from what the segmentation model saw in it. */
  private async atomCandidates(frames: DataFrame[], spec: NonNullable<CampaignConfig['candidates']>): Promise<Candidate[]> {
    const frame = frames.find((f) => f.header.kind === 'image' && f.header.channel === spec.from.channel);
    if (!frame) throw new Error(`setup step '${spec.from.step}' gave no '${spec.from.channel}' image`);
    const { atoms } = await this.runtime.vision().features(frame, { atoms: true, overlay: false });
    return candidatesFromAtoms(frame, atoms ?? [], spec);
  }

  /** An experiment a crash interrupted: approve it if it was still waiting, then run it (its steps replay). */
  private async resumeExperiment(row: ExperimentEntity): Promise<void> {
    if (row.status === 'proposed' && (await this.proposals.approve(row)).kind !== 'approve') return;
    if (row.status === 'error') return;
    await this.execute(row);
  }

  /** A technician's verdict on an experiment whose commands are of unknown fate. */
  resolveUnknown(experimentId: string, decision: 'retry' | 'failed', by: string): boolean {
    const row = this.unfinished.find((r) => r.id === experimentId && r.status === 'unknown');
    if (!row) return false;
    row.status = decision === 'retry' ? 'approved' : 'error';
    row.failureReason = decision === 'retry' ? null : `marked failed by ${by} after an unknown outcome`;
    void this.experiments.update(row.id, { status: row.status, failureReason: row.failureReason });
    if (!this.unfinished.some((r) => r.status === 'unknown')) this.unknownWaiters.splice(0).forEach((wake) => wake());
    return true;
  }

  private async waitForUnknownDecisions(): Promise<void> {
    if (!this.unfinished.some((r) => r.status === 'unknown')) return;
    await this.setStatus('paused', { statusReason: 'waiting for a technician: experiments of unknown outcome' });
    await new Promise<void>((resolve) => this.unknownWaiters.push(resolve));
    await this.setStatus('running');
  }

  /** Electron dose an experiment's acquisitions reported, in e/A^2. */
  private async doseOf(experimentId: string): Promise<number> {
    const rows = await this.runtime.db.getRepository(MeasurementEntity).findBy({ experimentId });
    return rows.reduce((sum, m) => sum + (typeof m.outputs.doseEPerA2 === 'number' ? m.outputs.doseEPerA2 : 0), 0);
  }

  private async execute(row: ExperimentEntity, underway?: () => void): Promise<void> {
    const { index } = row;
    row.status = 'running';
    row.startedAtMs = Date.now();
    await this.experiments.update(row.id, { status: row.status, startedAtMs: row.startedAtMs });
    this.runtime.events.publish('experiment.started', { id: row.id, index }, this.id);
    try {
      row.objectives = await this.executor.run(row, this.config, { setupOutputs: this.setupOutputs, correction: this.drift.correction(this.config), underway }).finally(async () => {
        if (this.config.budget.doseEPerA2 !== undefined) this.dose.add(await this.doseOf(row.id), true);
      });
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
        this.runtime.events.publish('alert', { level: 'warning', message: `experiment ${index + 1}: ${message}` }, this.id);
        if (++this.consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
          throw new Error(`${this.consecutiveErrors} experiments in a row could not be carried out; last: ${message}`);
        }
        return;
      }
    }
    this.consecutiveErrors = 0;
    const observation = this.observationOf(row);
    if (observation) this.planner.tell([observation]);
    this.progress.track(row, this.config.objectives[0]);
  }

  private async finishExperiment(row: ExperimentEntity, status: ExperimentEntity['status'], reason: string | null): Promise<void> {
    row.status = status;
    row.failureReason = reason;
    row.finishedAtMs = Date.now();
    await this.experiments.update(row.id, { status, failureReason: reason, objectives: row.objectives, finishedAtMs: row.finishedAtMs });
    this.runtime.events.publish('experiment.finished', { ...row }, this.id);
  }

  private observationOf(row: ExperimentEntity): Observation | undefined {
    if (row.status === 'succeeded' && row.objectives) return { id: row.id, point: row.params, values: row.objectives };
    if (row.status === 'failed') return { id: row.id, point: row.params, failed: true };
    return undefined;
  }

  /** A checkpoint: wait here while paused (recorded as such), throw if aborted. */
  private async pausePoint(): Promise<void> {
    await this.control.checkpoint(
      () => void this.setStatus('paused'),
      () => void this.setStatus('running'),
    );
  }

  private async setStatus(status: CampaignStatus, extra: Partial<CampaignEntity> = {}): Promise<void> {
    Object.assign(this.campaign, { status, ...extra });
    await this.campaigns.update(this.id, { status, ...extra });
    this.runtime.events.publish('campaign.status', { id: this.id, name: this.config.name, status, reason: this.campaign.statusReason }, this.id);
  }
}
