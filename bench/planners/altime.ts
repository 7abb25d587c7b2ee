import { activeLearningStep } from './timing';
import { quantile } from './stats';
const t = activeLearningStep(Number(process.argv[2] ?? 500), 20);
console.log('p50', quantile(t, 0.5).toFixed(2), 'p95', quantile(t, 0.95).toFixed(2), t.map((x) => x.toFixed(1)).join(' '));
