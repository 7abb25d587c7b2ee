import { resolve } from 'node:path';
import { runCampaignsBench } from './run';

/**
 * `node dist/bench/campaigns/main.js [--json] [--quick] [--tuning-only]` until `lab bench
 * campaigns` calls runCampaignsBench. --tuning-only leaves out the held-out seeds and world.
 */
const args = process.argv.slice(2);
void runCampaignsBench({
  parts: ['pfm'],
  json: args.includes('--json'),
  quick: args.includes('--quick'),
  heldOut: !args.includes('--tuning-only'),
  plotDir: args.includes('--tuning-only') ? null : undefined,
  outFile: resolve(process.cwd(), args.includes('--tuning-only') ? 'bench/results/campaigns-pfm-tuning.json' : 'bench/results/campaigns-pfm.json'),
});
