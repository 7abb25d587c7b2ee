import { randomUUID } from 'node:crypto';
import type { CampaignConfig } from '@lab/config';
import type { Point, Proposal, SteerablePlanner } from '@lab/planners';
import type { Repository } from 'typeorm';
import type { ExperimentEntity } from '../persistence/entities';
import type { EventBus } from '../runtime/event-bus';
import { ApprovalGate, type Decision } from './approval-gate';
import { CampaignAborted } from './run-control';

/** The next experiment to run and who chose it. */
interface NextExperiment {
  proposal: Proposal;
  proposedBy: string;
}

export interface ProposalFlowDeps {
  campaignId: string;
  experiments: Repository<ExperimentEntity>;
  events: EventBus;
  planner: SteerablePlanner;
  /** The campaign's config as it is now (a PI may change it while it runs). */
  config: () => CampaignConfig;
  /** The campaign now waits for a person (true), or goes on (false). */
  awaitingPerson: (waiting: boolean) => Promise<void>;
}

/**
 * Where the next experiment comes from and how it is approved: a person's injected experiment
 * first, else the planner's (asked for a batch when none is left). Each proposal is recorded with
 * what the model predicted and why before anything runs, then approved by a rule or a person; a
 * rejection asks the planner again, away from what was rejected.
 */
export class ProposalFlow {
  readonly approvals: ApprovalGate;
  private readonly injected: NextExperiment[] = [];
  private readonly batch: Proposal[] = [];

  constructor(private readonly deps: ProposalFlowDeps) {
    this.approvals = new ApprovalGate(() => deps.config().approval);
  }

  /** Queue a person's experiment to run next (the caller has validated the point). */
  inject(point: Point, by: string): void {
    this.injected.push({ proposedBy: `user:${by}`, proposal: { point, predicted: {}, acquisition: Number.NaN, explanation: manualExplanation(by) } });
  }

  /**
   * The next approved experiment, recorded from `index` on (a rejected proposal keeps its index).
   * `inFlight` are the points running now: pending for the planner.
   */
  async next(index: number, remainingExperiments: number, inFlight: () => Point[]): Promise<ExperimentEntity> {
    let row = await this.propose(index, this.fromQueueOrPlanner(remainingExperiments, inFlight()));
    const rejected: Point[] = [];
    while ((await this.approve(row)).kind !== 'approve') {
      rejected.push(row.params);
      row = await this.propose(row.index + 1, this.replacement([...this.batch.map((p) => p.point), ...inFlight(), ...rejected]));
    }
    return row;
  }

  /** Approve a recorded proposal (by rule or by a person), or record its rejection. */
  async approve(row: ExperimentEntity): Promise<Decision> {
    const rule = row.proposedBy.startsWith('user:') ? row.proposedBy : this.approvals.autoApproval(row.params);
    const decision: Decision = rule ? { kind: 'approve', by: rule } : await this.waitForPerson(row);
    const { experiments, events, campaignId } = this.deps;
    if (decision.kind === 'approve') {
      if (decision.params) row.params = decision.params;
      row.status = 'approved';
      row.approvedBy = decision.by;
      await experiments.update(row.id, { status: row.status, approvedBy: row.approvedBy, params: row.params });
    } else if (decision.kind === 'reject') {
      row.status = 'rejected';
      row.failureReason = `rejected by ${decision.by}: ${decision.reason}`;
      await experiments.update(row.id, { status: row.status, failureReason: row.failureReason });
      events.publish('experiment.finished', { ...row }, campaignId);
    } else {
      throw new CampaignAborted('proposal withdrawn: the campaign is ending');
    }
    return decision;
  }

  private fromQueueOrPlanner(remainingExperiments: number, pending: Point[]): NextExperiment {
    const manual = this.injected.shift();
    if (manual) return manual;
    const { planner, config } = this.deps;
    if (this.batch.length === 0) this.batch.push(...planner.ask(Math.min(config().planner.batchSize, remainingExperiments), pending.length > 0 ? { pending } : undefined));
    return { proposal: this.batch.shift() as Proposal, proposedBy: `planner:${config().planner.kind}` };
  }

  /** After a rejection: a new proposal that steers away from the rejected points (told as pending). */
  private replacement(avoid: Point[]): NextExperiment {
    const manual = this.injected.shift();
    if (manual) return manual;
    const [proposal] = this.deps.planner.ask(1, { pending: avoid });
    return { proposal, proposedBy: `planner:${this.deps.config().planner.kind}` };
  }

  /** Record the proposal, with what the model predicted and why, before anything runs. */
  private async propose(index: number, { proposal, proposedBy }: NextExperiment): Promise<ExperimentEntity> {
    const { experiments, events, campaignId } = this.deps;
    const row = experiments.create({
      id: randomUUID(),
      campaignId,
      index,
      status: 'proposed',
      sampleId: `${campaignId.slice(0, 8)}-${index}`,
      proposedBy,
      params: proposal.point,
      predicted: proposal.predicted,
      acquisition: Number.isFinite(proposal.acquisition) ? proposal.acquisition : null,
      explanation: { ...proposal.explanation, influential: proposal.explanation.influential.map((i) => ({ ...i })) },
      objectives: null,
      failureReason: null,
      approvedBy: null,
      excludedReason: null,
      proposedAtMs: Date.now(),
      startedAtMs: null,
      finishedAtMs: null,
    });
    await experiments.insert(row);
    events.publish('experiment.proposed', { ...row }, campaignId);
    return row;
  }

  private async waitForPerson(row: ExperimentEntity): Promise<Decision> {
    this.deps.events.publish('approval.requested', { experimentId: row.id, index: row.index, params: row.params, predicted: row.predicted, explanation: row.explanation }, this.deps.campaignId);
    await this.deps.awaitingPerson(true);
    const decision = await this.approvals.wait(row.id);
    await this.deps.awaitingPerson(false);
    return decision;
  }
}

function manualExplanation(by: string): Proposal['explanation'] {
  return { exploitShare: 0, exploreShare: 0, relevance: {}, influential: [], feasibility: 1, reason: `injected by ${by}` };
}
