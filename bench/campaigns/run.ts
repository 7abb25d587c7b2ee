import { resolve } from 'node:path';
import { report, runContext } from '../support/report';
import { type PfmBenchResult, runPfmBench } from './pfm';
import { type PfmReport, pfmReport } from './pfm-report';
import type { Target } from './report';

export interface CampaignsBenchOptions {
  /** Print the JSON result instead of tables. */
  json: boolean;
  /** Where to write the JSON result (bench/results/campaigns-pfm.json). */
  outFile: string;
  /** Three seeds per set: a smoke run of a few seconds. */
  quick: boolean;
  /** Also run the held-out seeds and world (the final report); off while tuning. Default true. */
  heldOut?: boolean;
  /** Where the SVG plots go (docs/img); null for none. Default docs/img under the working directory. */
  plotDir?: string | null;
  /** Campaign files (defaults: the shipped PFM discovery and mapping campaigns). */
  discoveryFile?: string;
  mappingFile?: string;
}

export interface CampaignsBenchResult {
  pfm: PfmBenchResult & { targets: Target[]; plots: string[] };
}

/**
 * `lab bench campaigns`: campaigns run end to end against the twins' physics, in-process. Today
 * the PFM structure-property campaigns (discovery and mapping); synthesis and STEM parts add keys
 * beside `pfm`. Prints tables (or JSON) and writes the result to `outFile`.
 */
export async function runCampaignsBench(opts: CampaignsBenchOptions): Promise<CampaignsBenchResult> {
  const log = opts.json ? () => {} : (line: string) => console.error(line);
  const pfm = runPfmBench({
    discoveryFile: opts.discoveryFile ?? resolve(process.cwd(), 'config/campaigns/pfm-active-learning.yaml'),
    mappingFile: opts.mappingFile ?? resolve(process.cwd(), 'config/campaigns/pfm-mapping.yaml'),
    heldOut: opts.heldOut !== false,
    seedsPerSet: opts.quick ? 3 : undefined,
    log,
  });
  const plotDir = opts.plotDir === undefined ? resolve(process.cwd(), 'docs/img') : opts.plotDir;
  const pfmTables: PfmReport = pfmReport(pfm, plotDir);
  const result: CampaignsBenchResult & Record<string, unknown> = {
    ...runContext('campaigns', `lab bench campaigns${opts.quick ? ' --quick' : ''}`),
    pfm: { ...pfm, targets: pfmTables.targets, plots: pfmTables.plots },
  };
  const targetRows = pfmTables.targets.map((t) => [t.part, t.name, t.goal, t.measured, t.met ? 'yes' : 'NO']);
  if (!opts.json) {
    console.log(`PFM discovery (${pfm.grid.locations} locations, top-1 % = ${pfm.grid.top1pct}; GP strategies run ${pfm.grid.budgetDiscovery} loops)\n`);
    console.log(pfmTables.discovery.text);
    console.log(`\nPFM mapping (R^2 of the predicted loop area over all locations)\n`);
    console.log(pfmTables.mapping.text);
    console.log('');
  }
  report(opts.outFile, result, opts.json, ['part', 'target', 'goal', 'measured', 'met'], targetRows);
  return result;
}
