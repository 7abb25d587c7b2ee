import { resolve } from 'node:path';
import { runMessagingBench } from './run';

/** `node dist/bench/messaging/main.js [--json] [--quick] [--mosquitto <url>]` until `lab bench messaging` calls runMessagingBench. */
const args = process.argv.slice(2);
const mosquittoAt = args.indexOf('--mosquitto');
runMessagingBench({
  json: args.includes('--json'),
  quick: args.includes('--quick'),
  mosquittoUrl: mosquittoAt >= 0 ? args[mosquittoAt + 1] : undefined,
  outFile: resolve(process.cwd(), 'bench/results/messaging.json'),
}).catch((error: Error) => {
  process.stderr.write(`messaging bench failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
