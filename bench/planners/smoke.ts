import { createPlanner } from '../../planners/src';
import { FUNCTIONS } from './functions';

const fname = process.argv[2] ?? 'branin';
const budget = Number(process.argv[3] ?? 30);
const seed = Number(process.argv[4] ?? 0);
const f = FUNCTIONS[fname];
const planner = createPlanner({
  kind: process.argv[5] ?? 'gp-ei',
  seed,
  objectives: [{ name: 'y', direction: 'minimize' }],
  space: { parameters: f.bounds.map(([lower, upper], i) => ({ name: `x${i}`, type: 'continuous' as const, lower, upper })) },
});
let best = Infinity;
const t0 = Date.now();
for (let i = 0; i < budget; i++) {
  const t = Date.now();
  const [p] = planner.ask(1);
  const x = f.bounds.map((_, j) => p.point[`x${j}`] as number);
  const y = f.evaluate(x);
  best = Math.min(best, y);
  planner.tell([{ id: `e${i}`, point: p.point, values: { y } }]);
  if (i % 5 === 4 || i === budget - 1) console.log(i + 1, y.toFixed(4), best.toFixed(5), `${Date.now() - t}ms`, p.explanation.reason.slice(0, 120));
}
console.log('total', Date.now() - t0, 'ms best', best);
