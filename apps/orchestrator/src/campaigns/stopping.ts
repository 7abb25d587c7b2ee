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

/** Electron dose the campaign has put on its sample, from what each STEM acquisition reported. */
export class DoseMeter {
  spentEPerA2 = 0;
  /** The most one experiment has cost: what the next one is expected to cost at most. */
  largestExperimentEPerA2 = 0;

  add(doseEPerA2: number, isExperiment: boolean): void {
    this.spentEPerA2 += doseEPerA2;
    if (isExperiment) this.largestExperimentEPerA2 = Math.max(this.largestExperimentEPerA2, doseEPerA2);
  }
}

/** What the campaign has used so far. */
export interface Usage {
  /** Started so far, those in flight included. */
  experiments: number;
  /** Running now: their dose is not in the meter yet. */
  inFlight?: number;
  instrumentHours: number;
  dose: DoseMeter;
}

/** Why the campaign should end now (budget, target, no improvement), or undefined to go on. */
export function stoppingReason(config: CampaignConfig, progress: BestTracker, { experiments, inFlight = 0, instrumentHours, dose }: Usage): string | undefined {
  const { budget, stopping, objectives } = config;
  const { best, sinceImprovement } = progress;
  if (experiments >= budget.experiments) return `budget reached: ${experiments} experiments`;
  if (budget.hours !== undefined && instrumentHours >= budget.hours) return `budget reached: ${budget.hours} h of instrument time`;
  // Stop before the experiment that would cross the dose budget, not after: the damage cannot be undone.
  const committedEPerA2 = dose.spentEPerA2 + inFlight * dose.largestExperimentEPerA2;
  if (budget.doseEPerA2 !== undefined && committedEPerA2 + dose.largestExperimentEPerA2 > budget.doseEPerA2) {
    const running = inFlight > 0 ? ` (${inFlight} running)` : '';
    return `budget reached: ${fmtDose(dose.spentEPerA2)} of ${fmtDose(budget.doseEPerA2)} e/A^2 spent${running}; the next experiment (up to ${fmtDose(dose.largestExperimentEPerA2)}) would exceed it`;
  }
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

const fmtDose = (ePerA2: number): string => String(Number(ePerA2.toPrecision(3)));
