import { FUNCTIONS } from './functions';
import { runSingle } from './loop';
import { median } from './stats';
const seeds = Number(process.argv[2] ?? 5);
for (const kind of ['gp-nei', 'gp-ei']) {
  const recs: number[] = [];
  let secs = 0;
  for (let s = 0; s < seeds; s++) { const r = runSingle(FUNCTIONS.hartmann6, kind, s, Number(process.argv[3] ?? 60), 0.25); recs.push(r.recommendedTrue); secs += r.seconds; }
  console.log(kind, 'median rec', median(recs).toFixed(4), recs.map((v) => v.toFixed(3)).join(' '), (secs / seeds).toFixed(1), 's/run');
}
