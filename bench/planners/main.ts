import { resolve } from 'node:path';
import { runPlannersBench } from './run';

/** `node dist/bench/planners/main.js [--json] [--seeds N] [--quick]` */
const args = process.argv.slice(2);
const seedsAt = args.indexOf('--seeds');
void runPlannersBench({
  json: args.includes('--json'),
  quick: args.includes('--quick'),
  seeds: seedsAt >= 0 ? Number(args[seedsAt + 1]) : args.includes('--quick') ? 5 : 20,
  outFile: resolve(process.cwd(), 'bench/results/planners.json'),
});
