import { Summary } from './stats';

export interface MultiObjectiveResult {
  problem: string;
  method: string;
  batches: number;
  q: number;
  hypervolume: Summary;
  maxHypervolume: number;
  target?: number;
}

export function runMultiObjective(_seeds: number, _quick: boolean, _log?: (s: string) => void): MultiObjectiveResult[] {
  return [];
}
