import { resolve } from 'node:path';
import { runVisionBench } from './run';

/** `node dist/bench/vision/main.js [--json] [--quick]` (the same as `lab bench vision`). */
const args = process.argv.slice(2);
runVisionBench({ json: args.includes('--json'), quick: args.includes('--quick'), outFile: resolve(process.cwd(), 'bench/results/vision.json') }).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
