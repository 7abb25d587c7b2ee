import { FUNCTIONS } from './functions';
import { runSingle } from './loop';
import { median } from './stats';
const budgets: Record<string, number> = { branin: 30, hartmann3: 30, hartmann6: 35, ackley4: 40, levy4: 40, rosenbrock4: 40 };
const seeds = Number(process.argv[2] ?? 5);
const only = process.argv[3];
const opts = process.argv[4] ? JSON.parse(process.argv[4]) : {};
for (const key of Object.keys(budgets)) {
  if (only && only !== 'all' && key !== only) continue;
  const bests: number[] = [];
  let secs = 0;
  for (let s = 0; s < seeds; s++) { const r = runSingle(FUNCTIONS[key], 'gp-ei', s, budgets[key], 0, opts); bests.push(r.bestSoFar.at(-1)!); secs += r.seconds; }
  console.log(key, 'median', median(bests).toPrecision(5), 'all', bests.map((b) => b.toPrecision(4)).join(' '), `${(secs / seeds).toFixed(1)}s/run`);
}
