import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { startOrchestrator } from '../bootstrap';
import { type CommonFlags, runtimeOptions } from './options';
import { onShutdownSignal } from './shutdown';

export interface StartFlags extends CommonFlags {
  idle?: boolean;
  port?: number;
  host?: string;
  campaign: string;
  seed: number;
  simulate?: boolean;
}

/** `lab start`: the orchestrator, its API and dashboard, the twins, and (unless --idle) the demo campaign. */
export async function startCommand(flags: StartFlags): Promise<void> {
  const log = (line: string): void => console.log(line);
  const options = runtimeOptions(flags, log);
  const orchestrator = await startOrchestrator({ ...options, simulate: flags.simulate, http: true, port: flags.port ?? options.port, host: flags.host });
  onShutdownSignal(() => orchestrator.close());
  const { runtime } = orchestrator;
  log(`lab '${runtime.lab.name}': ${runtime.instruments.size} instruments${runtime.simulating ? ' (digital twins)' : ''}, broker ${runtime.brokerUrl}`);
  log(`dashboard: ${orchestrator.url}/   API docs: ${orchestrator.url}/api/docs`);
  if (orchestrator.loginUrl) log(`no users are configured: sign in once as admin with ${orchestrator.loginUrl}`);
  const unfinished = await orchestrator.campaigns.unfinished();
  for (const campaign of unfinished) {
    log(`resuming campaign '${campaign.name}' (${campaign.id}), left ${campaign.status}`);
    const { done } = await orchestrator.campaigns.start(campaign.id);
    done.then((summary) => log(`campaign '${summary.name}' ${summary.status}: ${summary.experiments} experiments`), (error: Error) => log(`campaign failed: ${error.message}`));
  }
  if (flags.idle || unfinished.length > 0) return;
  const file = resolve(flags.campaign);
  const row = await orchestrator.campaigns.create({ file, text: await readFile(file, 'utf8'), seed: flags.seed });
  log(`campaign '${row.name}' (${row.id}) started; Ctrl-C stops everything`);
  const { done } = await orchestrator.campaigns.start(row.id);
  done.then(
    (summary) => log(`campaign '${summary.name}' ${summary.status}: ${summary.experiments} experiments, best ${summary.best ? summary.best.value.toPrecision(5) : 'none'}`),
    (error: Error) => log(`campaign failed: ${error.message}`),
  );
}
