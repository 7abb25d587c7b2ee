import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Sobol } from '../../planners/src/sobol';
import { PLANNERS_VERSION } from '../../planners/src';
import { FUNCTIONS, TestFunction } from './functions';
import { runSingle } from './loop';
import { fmt, median, summarize, Summary, table } from './stats';
import { runTiming, TimingRow } from './timing';
import { runMultiObjective, MultiObjectiveResult } from './multi';

export interface PlannersBenchOptions {
  json: boolean;
  seeds: number;
  quick: boolean;
  outFile: string;
}

interface OptimizationRow {
  problem: string;
  budget: number;
  method: string;
  seeds: number;
  best: Summary;
  log10Regret: Summary;
  /** Median evaluations to get within 1% of the range (max - optimum) of the optimum; null if not reached by half the seeds. */
  evalsTo1pct: number | null;
  /** Peer median best at this budget and whether ours beats it (Ax budgets only). */
  target?: number;
  meetsTarget?: boolean;
  secondsPerRun: number;
}

/** Published peer medians at the Ax budgets (minimization). */
const PEER_TARGETS: Record<string, number> = { branin: 0.3989, hartmann3: -3.857, hartmann6: -3.099, ackley4: 4.39, levy4: 1.553, rosenbrock4: 669 };
const AX_BUDGETS: Record<string, number> = { branin: 30, hartmann3: 30, hartmann6: 35, ackley4: 40, levy4: 40, rosenbrock4: 40 };

/** max f over a dense Sobol sample: the top of the range used for the 1% threshold. */
function rangeTop(fn: TestFunction): number {
  const d = fn.bounds.length;
  const s = new Sobol(d, 12345);
  const u = new Float64Array(d);
  let top = -Infinity;
  for (let i = 0; i < 8192; i++) {
    s.point(i, u);
    top = Math.max(top, fn.evaluate(fn.bounds.map(([lo, hi], j) => lo + u[j] * (hi - lo))));
  }
  return top;
}

function optimizationRow(key: string, method: string, budget: number, seeds: number, noiseSd = 0, options: Record<string, unknown> = {}, log?: (s: string) => void): OptimizationRow {
  const fn = FUNCTIONS[key];
  const threshold = fn.optimum + 0.01 * (rangeTop(fn) - fn.optimum);
  const bests: number[] = [];
  const reached: number[] = [];
  let seconds = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const r = runSingle(fn, method, seed, budget, noiseSd, options);
    const best = noiseSd > 0 ? r.recommendedTrue : r.bestSoFar[budget - 1];
    bests.push(best);
    const hit = r.bestSoFar.findIndex((b) => b <= threshold);
    reached.push(hit < 0 ? Infinity : hit + 1);
    seconds += r.seconds;
  }
  const regrets = bests.map((b) => Math.log10(Math.max(b - fn.optimum, 1e-12)));
  const evals = median(reached);
  const row: OptimizationRow = {
    problem: noiseSd > 0 ? `${fn.name} (noise sd ${noiseSd})` : fn.name,
    budget,
    method,
    seeds,
    best: summarize(bests),
    log10Regret: summarize(regrets),
    evalsTo1pct: Number.isFinite(evals) ? evals : null,
    secondsPerRun: seconds / seeds,
  };
  if (noiseSd === 0 && AX_BUDGETS[key] === budget && PEER_TARGETS[key] !== undefined && method.startsWith('gp')) {
    row.target = PEER_TARGETS[key];
    row.meetsTarget = row.best.median <= row.target;
  }
  log?.(`  ${row.problem} @${budget} ${method}: median best ${fmt(row.best.median)} (${row.secondsPerRun.toFixed(1)} s/run)`);
  return row;
}

/** Median of best-of-5 scrambled Sobol points (harness sanity check against published baselines). */
function bestOfSobol(key: string, seeds: number, count: number): number {
  const fn = FUNCTIONS[key];
  const d = fn.bounds.length;
  const u = new Float64Array(d);
  const bests: number[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const s = new Sobol(d, 1000 + seed);
    let best = Infinity;
    for (let i = 0; i < count; i++) {
      s.point(i, u);
      best = Math.min(best, fn.evaluate(fn.bounds.map(([lo, hi], j) => lo + u[j] * (hi - lo))));
    }
    bests.push(best);
  }
  return median(bests);
}

export async function runPlannersBench(opts: PlannersBenchOptions): Promise<void> {
  const seeds = Math.max(1, opts.seeds);
  const log = opts.json ? undefined : (s: string): void => console.log(s);
  const started = Date.now();
  log?.(`planners ${PLANNERS_VERSION}: ${seeds} seeds${opts.quick ? ' (quick)' : ''}`);

  const rows: OptimizationRow[] = [];
  log?.('Ax budgets:');
  for (const key of Object.keys(AX_BUDGETS)) {
    for (const method of ['gp-ei', 'random', 'sobol']) rows.push(optimizationRow(key, method, AX_BUDGETS[key], seeds, 0, {}, log));
  }
  const longBudget = opts.quick ? 100 : 200;
  log?.(`Long runs (${longBudget} evaluations):`);
  for (const key of ['branin', 'hartmann6']) {
    for (const method of ['gp-ei', 'random']) rows.push(optimizationRow(key, method, longBudget, seeds, 0, {}, log));
  }
  const noisyBudget = opts.quick ? 40 : 60;
  log?.(`Noisy Hartmann6 (${noisyBudget} evaluations, scored at the recommended point):`);
  for (const method of ['gp-nei', 'gp-ei', 'random']) rows.push(optimizationRow('hartmann6', method, noisyBudget, seeds, 0.25, {}, log));

  const sanity = {
    randomBranin200: median(rows.filter((r) => r.problem === 'Branin' && r.method === 'random' && r.budget === longBudget).map((r) => r.best.median)),
    randomHartmann6_200: median(rows.filter((r) => r.problem === 'Hartmann6' && r.method === 'random' && r.budget === longBudget).map((r) => r.best.median)),
    sobolBestOf5Branin: bestOfSobol('branin', Math.max(seeds, 20), 5),
    sobolBestOf5Hartmann6: bestOfSobol('hartmann6', Math.max(seeds, 20), 5),
    published: { randomBranin200: 0.91, randomHartmann6_200: -2.37, sobolBestOf5Branin: 10.9, sobolBestOf5Hartmann6: -0.8 },
  };

  log?.('Multi-objective:');
  const multi: MultiObjectiveResult[] = runMultiObjective(seeds, opts.quick, log);
  log?.('Timing:');
  const timing: TimingRow[] = runTiming(opts.quick, log);

  const result = { version: PLANNERS_VERSION, date: new Date().toISOString(), seeds, quick: opts.quick, optimization: rows, sanity, multiObjective: multi, timing, seconds: (Date.now() - started) / 1000 };
  mkdirSync(dirname(opts.outFile), { recursive: true });
  writeFileSync(opts.outFile, JSON.stringify(result, null, 2));
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log('\n' + renderOptimization(rows));
  console.log('\n' + renderSanity(sanity));
  console.log('\n' + renderMulti(multi));
  console.log('\n' + renderTiming(timing));
  console.log(`\nwrote ${opts.outFile} in ${result.seconds.toFixed(0)} s`);
}

function renderOptimization(rows: OptimizationRow[]): string {
  return table(
    ['problem', 'evals', 'method', 'median best [IQR]', 'log10 regret', 'evals to 1%', 'peer median', 'beats peer'],
    rows.map((r) => [
      r.problem,
      String(r.budget),
      r.method,
      `${fmt(r.best.median)} [${fmt(r.best.q25)}, ${fmt(r.best.q75)}]`,
      fmt(r.log10Regret.median, 3),
      r.evalsTo1pct === null ? `>${r.budget}` : String(r.evalsTo1pct),
      r.target === undefined ? '' : fmt(r.target),
      r.meetsTarget === undefined ? '' : r.meetsTarget ? 'yes' : 'NO',
    ]),
  );
}

function renderSanity(s: { randomBranin200: number; randomHartmann6_200: number; sobolBestOf5Branin: number; sobolBestOf5Hartmann6: number; published: Record<string, number> }): string {
  return table(
    ['harness check', 'measured median', 'published'],
    [
      ['random search, Branin, long run', fmt(s.randomBranin200), fmt(s.published.randomBranin200)],
      ['random search, Hartmann6, long run', fmt(s.randomHartmann6_200), fmt(s.published.randomHartmann6_200)],
      ['best of 5 Sobol, Branin', fmt(s.sobolBestOf5Branin), fmt(s.published.sobolBestOf5Branin)],
      ['best of 5 Sobol, Hartmann6', fmt(s.sobolBestOf5Hartmann6), fmt(s.published.sobolBestOf5Hartmann6)],
    ],
  );
}

function renderMulti(rows: MultiObjectiveResult[]): string {
  return table(
    ['problem', 'method', 'batches x q', 'median hypervolume [IQR]', 'max', 'target'],
    rows.map((r) => [r.problem, r.method, `${r.batches} x ${r.q}`, `${fmt(r.hypervolume.median)} [${fmt(r.hypervolume.q25)}, ${fmt(r.hypervolume.q75)}]`, fmt(r.maxHypervolume), r.target === undefined ? '' : `>= ${r.target}: ${r.hypervolume.median >= r.target ? 'yes' : 'NO'}`]),
  );
}

function renderTiming(rows: TimingRow[]): string {
  return table(
    ['operation', 'n', 'd', 'p50 ms', 'p95 ms', 'target'],
    rows.map((r) => [r.operation, String(r.n), String(r.d), fmt(r.p50, 3), fmt(r.p95, 3), r.targetMs === undefined ? '' : `<= ${r.targetMs}: ${r.p50 <= r.targetMs ? 'yes' : 'NO'}`]),
  );
}
