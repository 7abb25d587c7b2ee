import { createPlanner, hypervolume } from '../../planners/src';
import { braninCurrin } from './functions';
import { summarize, Summary } from './stats';

export interface MultiObjectiveResult {
  problem: string;
  method: string;
  batches: number;
  q: number;
  hypervolume: Summary;
  maxHypervolume: number;
  target?: number;
  secondsPerRun: number;
}

/** Reference point [18, 6] (minimization) and the maximum hypervolume 59.36 (BoTorch's BraninCurrin). */
const REF = [18, 6];
const MAX_HV = 59.36;

/** One BraninCurrin run: an initial design of 2(d+1) = 6 points, then `batches` batches of q points. */
export function runBraninCurrin(kind: string, seed: number, batches: number, q: number): { hv: number; seconds: number } {
  const planner = createPlanner({
    kind,
    seed,
    objectives: [
      { name: 'branin', direction: 'minimize' },
      { name: 'currin', direction: 'minimize' },
    ],
    space: { parameters: [{ name: 'u', type: 'continuous', lower: 0, upper: 1 }, { name: 'v', type: 'continuous', lower: 0, upper: 1 }] },
    options: { initialDesign: 6, referencePoint: REF },
  });
  const ys: number[][] = [];
  let id = 0;
  const t0 = performance.now();
  const evaluate = (n: number): void => {
    const batch = planner.ask(n);
    planner.tell(
      batch.map((p) => {
        const [b, c] = braninCurrin([Number(p.point.u), Number(p.point.v)]);
        ys.push([-b, -c]);
        return { id: `e${id++}`, point: p.point, values: { branin: b, currin: c } };
      }),
    );
  };
  evaluate(6);
  for (let b = 0; b < batches; b++) evaluate(q);
  return { hv: hypervolume(ys, [-REF[0], -REF[1]]), seconds: (performance.now() - t0) / 1000 };
}

export function runMultiObjective(seeds: number, quick: boolean, log?: (s: string) => void): MultiObjectiveResult[] {
  const batches = 20;
  const q = 4;
  const out: MultiObjectiveResult[] = [];
  for (const method of ['ehvi', 'parego', 'random']) {
    const hvs: number[] = [];
    let seconds = 0;
    const n = quick && method !== 'random' ? Math.min(seeds, 5) : seeds;
    for (let seed = 0; seed < n; seed++) {
      const r = runBraninCurrin(method, seed, batches, q);
      hvs.push(r.hv);
      seconds += r.seconds;
    }
    const row: MultiObjectiveResult = { problem: 'BraninCurrin', method, batches, q, hypervolume: summarize(hvs), maxHypervolume: MAX_HV, secondsPerRun: seconds / n, ...(method === 'ehvi' ? { target: 57 } : {}) };
    out.push(row);
    log?.(`  BraninCurrin ${method}: median hypervolume ${row.hypervolume.median.toFixed(2)} (${row.secondsPerRun.toFixed(1)} s/run)`);
  }
  return out;
}
