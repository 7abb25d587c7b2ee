import { createPlanner } from '../../planners/src';
import { Rng } from '../../planners/src/rng';
const n = Number(process.argv[2] ?? 200), d = Number(process.argv[3] ?? 6);
const rng = new Rng(1);
const params = Array.from({ length: d }, (_, i) => ({ name: `x${i}`, type: 'continuous' as const, lower: 0, upper: 1 }));
const planner = createPlanner({ kind: 'gp-ei', seed: 1, objectives: [{ name: 'y', direction: 'minimize' }], space: { parameters: params } });
const f = (x: number[]) => x.reduce((s, v, i) => s + Math.sin(3 * v + i) * (i + 1), 0);
const obs = Array.from({ length: n }, (_, i) => { const x = params.map(() => rng.next()); return { id: `o${i}`, point: Object.fromEntries(x.map((v, j) => [`x${j}`, v])), values: { y: f(x) } }; });
planner.tell(obs);
for (let r = 0; r < 3; r++) {
  let t = performance.now();
  planner.refit();
  const fit = performance.now() - t;
  t = performance.now();
  planner.ask(1);
  const ask = performance.now() - t;
  t = performance.now();
  planner.ask(1);
  const ask2 = performance.now() - t;
  console.log(`n=${n} d=${d} refit ${fit.toFixed(1)}ms ask(after refit) ${ask.toFixed(1)}ms ask(cached) ${ask2.toFixed(1)}ms`);
}
