import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { type CampaignConfig, ConfigError, type ObjectiveConfig, parseCampaign } from '@lab/config';
import { createPlanner, PLANNERS_VERSION, validatePlannerConfig } from '@lab/planners';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { In } from 'typeorm';
import { parse as parseYaml } from 'yaml';
import { AuditEntity, CampaignConfigEntity, CampaignEntity, CommandLogEntity, ExperimentEntity, MeasurementEntity } from '../persistence/entities';
import { LabRuntime } from '../runtime/lab-runtime';
import { CampaignRunner, type CampaignSummary, type RunProgress } from './campaign-runner';
import { Reconciler } from './reconciler';
import { plannerConfigOf } from './planner-config';

export interface CreateCampaign {
  /** Where the text came from, for error messages and the record. */
  file: string;
  text: string;
  seed: number;
}

/** A campaign row with what a reader needs from its pinned config. */
export interface CampaignView extends CampaignEntity {
  objectives: ObjectiveConfig[];
  parameters: CampaignConfig['parameters'];
  budgetExperiments: number;
  approvalMode: CampaignConfig['approval']['mode'];
}

function viewOf(row: CampaignEntity): CampaignView {
  const { config } = parseCampaign(row.configFile, row.configText);
  return { ...row, objectives: config.objectives, parameters: config.parameters, budgetExperiments: config.budget.experiments, approvalMode: config.approval.mode };
}

/** Creates campaigns from their files, runs them, and answers what they did. */
@Injectable()
export class CampaignsService implements OnApplicationShutdown {
  private readonly runnerMap = new Map<string, { runner: CampaignRunner; done: Promise<CampaignSummary> }>();

  constructor(@Inject(LabRuntime) private readonly runtime: LabRuntime) {}

  /** Validate and record a campaign (pinning its exact text); it does not start. */
  async create({ file, text, seed }: CreateCampaign): Promise<CampaignEntity> {
    const loaded = parseCampaign(file, text, this.runtime.lab);
    const plannerErrors = validatePlannerConfig(plannerConfigOf(loaded.config, seed));
    if (plannerErrors.length > 0) {
      throw new ConfigError(plannerErrors.map((message) => ({ file, line: 1, col: 1, path: ['planner'], message })));
    }
    const row = this.repo().create({
      id: randomUUID(),
      name: loaded.config.name,
      status: 'created',
      configText: text,
      configSha256: loaded.sha256,
      configFile: basename(file),
      labSha256: this.runtime.options.lab.sha256,
      seed,
      plannerKind: loaded.config.planner.kind,
      plannerVersion: PLANNERS_VERSION,
      createdAtMs: Date.now(),
      startedAtMs: null,
      finishedAtMs: null,
      statusReason: null,
    });
    await this.repo().insert(row);
    this.runtime.events.publish('campaign.status', { id: row.id, name: row.name, status: row.status }, row.id);
    return row;
  }

  /** Start (or resume) a campaign in the background; `done` settles with its summary when it ends. */
  async start(id: string, onExperiment?: (progress: RunProgress) => void): Promise<{ done: Promise<CampaignSummary> }> {
    const running = this.runnerMap.get(id);
    if (running) return { done: running.done };
    const row = await this.repo().findOneBy({ id });
    if (!row) throw new Error(`no campaign ${id}`);
    if (['completed', 'aborted'].includes(row.status)) throw new Error(`campaign ${id} is ${row.status}; it cannot start again`);
    const { config } = parseCampaign(row.configFile, row.configText, this.runtime.lab);
    if (row.status !== 'created') await new Reconciler(this.runtime).reconcile(id);
    const runner = new CampaignRunner(this.runtime, row, config, createPlanner(plannerConfigOf(config, row.seed)));
    const done = runner.run(onExperiment).finally(() => this.runnerMap.delete(id));
    this.runnerMap.set(id, { runner, done });
    return { done };
  }

  /** Campaigns a crash or a shutdown left unfinished; `lab start` resumes them. */
  async unfinished(): Promise<CampaignEntity[]> {
    return this.repo().find({ where: { status: In(['running', 'paused', 'awaiting_approval', 'interrupted']) }, order: { createdAtMs: 'ASC' } });
  }

  runner(id: string): CampaignRunner | undefined {
    return this.runnerMap.get(id)?.runner;
  }

  /** The campaigns running now. */
  runners(): CampaignRunner[] {
    return [...this.runnerMap.values()].map((r) => r.runner);
  }

  /** The campaign files a technician can start: every YAML file in config/campaigns, with its name and description. */
  async files(): Promise<{ file: string; name: string; description: string }[]> {
    const dir = resolve(this.runtime.options.baseDir, 'config', 'campaigns');
    const names = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
    return Promise.all(
      names.map(async (file) => {
        const parsed: unknown = parseYaml(await readFile(join(dir, file), 'utf8'));
        const field = (key: string): string => (parsed !== null && typeof parsed === 'object' && typeof (parsed as Record<string, unknown>)[key] === 'string' ? String((parsed as Record<string, unknown>)[key]) : '');
        return { file, name: field('name') || file, description: field('description') };
      }),
    );
  }

  /** Campaign text from a file under config/campaigns (never outside it) or given inline. */
  async source(request: { file?: string; yaml?: string }): Promise<{ file: string; text: string }> {
    if (request.yaml) return { file: 'request.yaml', text: request.yaml };
    if (!request.file) throw new ConfigError([{ file: '(request)', line: 1, col: 1, path: [], message: 'give either file or yaml' }]);
    const dir = resolve(this.runtime.options.baseDir, 'config', 'campaigns');
    const path = resolve(dir, request.file);
    if (!path.startsWith(dir + sep)) throw new ConfigError([{ file: request.file, line: 1, col: 1, path: [], message: 'the file must be inside config/campaigns' }]);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) throw new ConfigError([{ file: request.file, line: 1, col: 1, path: [], message: 'no such campaign file' }]);
    return { file: request.file, text };
  }

  async list(): Promise<CampaignView[]> {
    return (await this.repo().find({ order: { createdAtMs: 'DESC' } })).map(viewOf);
  }

  async get(id: string): Promise<CampaignView | null> {
    const row = await this.repo().findOneBy({ id });
    return row && viewOf(row);
  }

  experiments(campaignId: string): Promise<ExperimentEntity[]> {
    return this.runtime.db.getRepository(ExperimentEntity).find({ where: { campaignId }, order: { index: 'ASC' } });
  }

  /**
   * Everything behind one experiment: the proposal and why, the planner and config that made it
   * (with every config version), each command with its ack and result, each measurement with its
   * files and how they were analysed (model sha256), and every human override that touched it.
   */
  async provenance(experimentId: string): Promise<Record<string, unknown> | null> {
    const db = this.runtime.db;
    const experiment = await db.getRepository(ExperimentEntity).findOneBy({ id: experimentId });
    if (!experiment) return null;
    const campaign = await this.repo().findOneByOrFail({ id: experiment.campaignId });
    const { configText, ...campaignFields } = campaign;
    return {
      experiment,
      campaign: { ...campaignFields, configLines: configText.split('\n').length },
      configVersions: await db.getRepository(CampaignConfigEntity).find({ where: { campaignId: campaign.id }, order: { version: 'ASC' } }),
      commands: await db.getRepository(CommandLogEntity).find({ where: { experimentId }, order: { issuedAtMs: 'ASC' } }),
      measurements: await db.getRepository(MeasurementEntity).find({ where: { experimentId }, order: { createdAtMs: 'ASC' } }),
      overrides: await db.getRepository(AuditEntity).find({ where: { target: experimentId }, order: { atMs: 'ASC' } }),
    };
  }

  /** On shutdown: interrupt what runs (resumable later), so nothing is left mid-step as the database closes. */
  async onApplicationShutdown(): Promise<void> {
    const running = [...this.runnerMap.values()];
    for (const { runner } of running) runner.interrupt();
    await Promise.allSettled(running.map((r) => r.done));
  }

  private repo() {
    return this.runtime.db.getRepository(CampaignEntity);
  }
}
