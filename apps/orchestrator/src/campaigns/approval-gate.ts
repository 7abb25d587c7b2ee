import type { CampaignConfig } from '@lab/config';
import type { Point } from '@lab/planners';

export type Decision =
  | { kind: 'approve'; by: string; params?: Point }
  | { kind: 'reject'; by: string; reason: string }
  | { kind: 'withdrawn' };

/**
 * Proposals waiting for a person. Under `approval.mode: manual` the runner parks each proposal
 * here until a technician approves (possibly with edited parameters) or rejects it; proposals
 * inside the campaign's auto-approve envelope pass at once.
 */
export class ApprovalGate {
  private readonly waiting = new Map<string, (decision: Decision) => void>();

  constructor(private readonly approval: () => CampaignConfig['approval']) {}

  /** The rule that approves this point without a person, if any. */
  autoApproval(point: Point): string | undefined {
    const { mode, autoApprove } = this.approval();
    if (mode === 'auto') return 'policy:auto';
    const within = autoApprove?.within;
    if (!within) return undefined;
    const inside = Object.entries(within).every(([name, limit]) => {
      const value = point[name];
      return typeof value === 'number' && (limit.min === undefined || value >= limit.min) && (limit.max === undefined || value <= limit.max);
    });
    return inside ? 'policy:auto-approve-envelope' : undefined;
  }

  wait(experimentId: string): Promise<Decision> {
    return new Promise((resolve) => this.waiting.set(experimentId, resolve));
  }

  get pending(): string[] {
    return [...this.waiting.keys()];
  }

  /** Deliver a decision; false when nothing waits for this experiment. */
  decide(experimentId: string, decision: Decision): boolean {
    const resolve = this.waiting.get(experimentId);
    if (!resolve) return false;
    this.waiting.delete(experimentId);
    resolve(decision);
    return true;
  }

  /** The campaign is ending: every waiting proposal is withdrawn. */
  withdrawAll(): void {
    for (const id of this.pending) this.decide(id, { kind: 'withdrawn' });
  }
}
