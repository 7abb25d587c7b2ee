import { resolve } from 'node:path';
import { runMessagingBench } from './run';

/** `node dist/bench/messaging/main.js [--json] [--quick]` until `lab bench messaging` calls runMessagingBench. */
const args = process.argv.slice(2);
runMessagingBench({
  json: args.includes('--json'),
  quick: args.includes('--quick'),
  outFile: resolve(process.cwd(), 'bench/results/messaging.json'),
}).catch((error: Error) => {
  process.stderr.write(`messaging bench failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
