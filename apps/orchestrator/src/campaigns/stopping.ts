import type { CampaignConfig, ObjectiveConfig } from '@lab/config';
import type { Point } from '@lab/planners';
import type { ExperimentEntity } from '../persistence/entities';

/** The best value of the first objective so far, and how many experiments since it improved. */
export class BestTracker {
  best: { experimentId: string; params: Point; value: number } | null = null;
  sinceImprovement = 0;

  track(row: ExperimentEntity, objective: ObjectiveConfig): void {
    const value = row.objectives?.[objective.name];
    if (row.status !== 'succeeded' || value === undefined || row.excludedReason) {
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
}

/** Why the campaign should end now (budget, target, no improvement), or undefined to go on. */
export function stoppingReason(config: CampaignConfig, progress: BestTracker, experiments: number, instrumentHours: number): string | undefined {
  const { budget, stopping, objectives } = config;
  const { best, sinceImprovement } = progress;
  if (experiments >= budget.experiments) return `budget reached: ${experiments} experiments`;
  if (budget.hours !== undefined && instrumentHours >= budget.hours) return `budget reached: ${budget.hours} h of instrument time`;
  if (stopping.target !== undefined && best) {
    const o = objectives[0];
    const reached =
      o.direction === 'maximize' ? best.value >= stopping.target : o.direction === 'minimize' ? best.value <= stopping.target : Math.abs(best.value - (o.target ?? 0)) <= stopping.target;
    if (reached) return `target reached: ${o.name} = ${best.value}`;
  }
  if (stopping.noImprovementFor !== undefined && best && sinceImprovement >= stopping.noImprovementFor) {
    return `no improvement for ${sinceImprovement} experiments`;
  }
  return undefined;
}
