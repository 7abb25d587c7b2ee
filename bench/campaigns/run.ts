import { resolve } from 'node:path';
import { report, runContext } from '../support/report';
import { type PfmBenchResult, runPfmBench } from './pfm';
import { type PfmReport, pfmReport } from './pfm-report';
import type { Target } from './report';
import { type ClosedLoopPart, type ClosedLoopResult, runClosedLoopBench } from './closed-loop';
import { closedLoopPlots } from './closed-loop-plots';
import { type Overhead, runOverheadBench } from './overhead';

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
  /** Which parts to run (default both): the in-process PFM study, or the campaigns closed through the orchestrator. */
  parts?: ('pfm' | ClosedLoopPart | 'overhead')[];
}

export interface CampaignsBenchResult {
  pfm?: PfmBenchResult & { targets: Target[]; plots: string[] };
  closedLoop?: ClosedLoopResult;
  overhead?: Overhead[];
}

/**
 * `lab bench campaigns`: campaigns run end to end against the twins' physics, in-process. Today
 * the PFM structure-property campaigns (discovery and mapping); synthesis and STEM parts add keys
 * beside `pfm`. Prints tables (or JSON) and writes the result to `outFile`.
 */
export async function runCampaignsBench(opts: CampaignsBenchOptions): Promise<CampaignsBenchResult> {
  const log = opts.json ? () => {} : (line: string) => console.error(line);
  const parts = opts.parts ?? ['pfm', 'synthesis', 'stem', 'overhead'];
  const result: CampaignsBenchResult & Record<string, unknown> = { ...runContext('campaigns', `lab bench campaigns${opts.parts?.length === 1 ? ` --part ${opts.parts[0]}` : ''}${opts.quick ? ' --quick' : ''}`) };
  const targets: Target[] = [];
  const plotDir = opts.plotDir === undefined ? resolve(process.cwd(), 'docs/img') : opts.plotDir;
  if (parts.includes('pfm')) {
    const pfm = runPfmBench({
      discoveryFile: opts.discoveryFile ?? resolve(process.cwd(), 'config/campaigns/pfm-active-learning.yaml'),
      mappingFile: opts.mappingFile ?? resolve(process.cwd(), 'config/campaigns/pfm-mapping.yaml'),
      heldOut: opts.heldOut !== false,
      seedsPerSet: opts.quick ? 3 : undefined,
      log,
    });
    const pfmTables: PfmReport = pfmReport(pfm, plotDir);
    result.pfm = { ...pfm, targets: pfmTables.targets, plots: pfmTables.plots };
    targets.push(...pfmTables.targets);
    if (!opts.json) {
      console.log(`PFM discovery (${pfm.grid.locations} locations, top-1 % = ${pfm.grid.top1pct}; GP strategies run ${pfm.grid.budgetDiscovery} loops)\n`);
      console.log(pfmTables.discovery.text);
      console.log(`\nPFM mapping (R^2 of the predicted loop area over all locations)\n`);
      console.log(pfmTables.mapping.text);
      console.log(`\nPFM with a noisier c-AFM current (default world)\n`);
      console.log(pfmTables.noise.text);
      console.log('');
    }
  }
  const closedLoopParts = parts.filter((p): p is ClosedLoopPart => p === 'synthesis' || p === 'stem');
  if (closedLoopParts.length > 0) {
    const closedLoop = await runClosedLoopBench({ parts: closedLoopParts, quick: opts.quick, log });
    result.closedLoop = closedLoop.result;
    if (plotDir !== null) closedLoopPlots(closedLoop.result, plotDir);
    if (!opts.json) console.log(`${closedLoop.text}\n`);
  }
  if (parts.includes('overhead')) {
    const overhead = await runOverheadBench(log);
    result.overhead = overhead.overhead;
    targets.push(...overhead.targets);
    if (!opts.json) console.log(`${overhead.text}\n`);
  }
  report(opts.outFile, result, opts.json, ['part', 'target', 'goal', 'measured', 'met'], targets.map((t) => [t.part, t.name, t.goal, t.measured, t.met ? 'yes' : 'NO']));
  return result;
}
