import { resolve } from 'node:path';
import { parseVisionSections, runVisionBench } from './run';

/** `node dist/bench/vision/main.js [--json] [--quick] [--only=quality,api]` (the same as `lab bench vision`). */
const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
runVisionBench({ json: args.includes('--json'), quick: args.includes('--quick'), only: only === undefined ? undefined : parseVisionSections(only), outFile: resolve(process.cwd(), 'bench/results/vision.json') }).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
