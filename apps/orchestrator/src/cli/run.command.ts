import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { startOrchestrator } from '../bootstrap';
import type { CampaignSummary } from '../campaigns/campaign-runner';
import { type CommonFlags, runtimeOptions } from './options';
import { onShutdownSignal } from './shutdown';

export interface RunFlags extends CommonFlags {
  headless?: boolean;
  seed: number;
  json?: boolean;
  port?: number;
}

/** `lab run <campaign>`: run one campaign to its end; exit 0 only when it completes. */
export async function runCommand(campaignFile: string, flags: RunFlags): Promise<number> {
  const json = flags.json === true;
  // With --json, stdout carries only the result line; everything else goes to stderr.
  const log = (line: string): void => void (json ? process.stderr : process.stdout).write(`${line}\n`);
  const file = resolve(campaignFile);
  const text = await readFile(file, 'utf8');
  const options = runtimeOptions(flags, log);
  const orchestrator = await startOrchestrator({ ...options, simulationSeed: flags.seed, http: !flags.headless, port: flags.port ?? options.port });
  let summary: CampaignSummary | undefined;
  try {
    const row = await orchestrator.campaigns.create({ file, text, seed: flags.seed });
    log(`campaign '${row.name}' ${row.id}, seed ${flags.seed}${orchestrator.url ? `, dashboard ${orchestrator.loginUrl ?? `${orchestrator.url}/`}` : ''}`);
    // Alerts reach the terminal: a headless run waiting for a technician must say so.
    orchestrator.runtime.events.events$.subscribe((event) => {
      if (event.type === 'alert' && event.campaignId === row.id) process.stderr.write(`[${String(event.data.level)}] ${String(event.data.message)}\n`);
    });
    onShutdownSignal(async () => {
      orchestrator.campaigns.runner(row.id)?.interrupt();
    }, 130);
    const bar = process.stderr.isTTY && !json
      ? new SingleBar({ format: ' {bar} {value}/{total} experiments | {duration_formatted} | best {best}', hideCursor: true, stream: process.stderr })
      : undefined;
    const { done } = await orchestrator.campaigns.start(row.id, ({ done: count, total, best }) => {
      if (!bar) return;
      if (count === 1) bar.start(total, 0, { best: '-' });
      bar.update(count, { best: best ? best.value.toPrecision(5) : '-' });
    });
    summary = await done;
    bar?.stop();
  } finally {
    await orchestrator.close();
  }
  log(`${summary.name}: ${summary.status}, ${summary.experiments} experiments (${summary.succeeded} succeeded, ${summary.failed} failed)`);
  if (summary.best) log(`best ${summary.best.value.toPrecision(6)} at ${JSON.stringify(roundParams(summary.best.params))}`);
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ campaignId: summary.campaignId, status: summary.status, experiments: summary.experiments, succeeded: summary.succeeded, failed: summary.failed, best: summary.best && { params: summary.best.params, value: summary.best.value, experimentId: summary.best.experimentId } })}\n`,
    );
  }
  return summary.status === 'completed' ? 0 : 1;
}

const roundParams = (params: Record<string, number | string>): Record<string, number | string> =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toPrecision(4)) : v]));
