import { randomUUID } from 'node:crypto';
import { ConfigError, parseCampaign } from '@lab/config';
import { Inject, Injectable } from '@nestjs/common';
import { atLeast, type Principal } from '../auth/roles';
import type { CampaignRunner } from '../campaigns/campaign-runner';
import { CampaignsService } from '../campaigns/campaigns.service';
import { AuditEntity, type AuditOutcome, CampaignConfigEntity, CampaignEntity, ExperimentEntity } from '../persistence/entities';
import type { JsonRecord } from '../persistence/columns';
import { LabRuntime } from '../runtime/lab-runtime';
import { type ControlCommand, controlSchema, REQUIRED_ROLE } from './control.schema';
import { asPoint, pointProblems } from './point-check';

/** The override is not allowed: wrong role, or not in this state. */
export class ControlRefused extends Error {
  override readonly name = 'ControlRefused';
}

/** The override is malformed; the message names the problem. */
export class ControlInvalid extends Error {
  override readonly name = 'ControlInvalid';
}

export interface ControlOutcome {
  ok: true;
  type: ControlCommand['type'];
  detail?: Record<string, unknown>;
}

export interface EstopLatch {
  by: string;
  reason: string;
  atMs: number;
}

/**
 * Every human override goes through here, from the websocket or REST: it checks the role, acts,
 * and appends who, when, what, why and the outcome to the audit log (refusals included).
 */
@Injectable()
export class ControlService {
  private latch: EstopLatch | null = null;

  constructor(
    @Inject(LabRuntime) private readonly runtime: LabRuntime,
    @Inject(CampaignsService) private readonly campaigns: CampaignsService,
  ) {}

  get estop(): EstopLatch | null {
    return this.latch;
  }

  async execute(principal: Principal, raw: unknown): Promise<ControlOutcome> {
    const parsed = controlSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const error = new ControlInvalid(`${issue.path.join('.') || 'command'}: ${issue.message}`);
      await this.audit(principal, { type: typeof (raw as { type?: unknown })?.type === 'string' ? String((raw as { type: string }).type).slice(0, 40) : 'invalid' }, 'refused', error.message);
      throw error;
    }
    const command = parsed.data;
    const needed = REQUIRED_ROLE[command.type];
    if (!atLeast(principal.role, needed)) {
      const error = new ControlRefused(`${principal.role} '${principal.name}' may not ${command.type}: it needs ${needed}`);
      await this.audit(principal, command, 'refused', error.message);
      throw error;
    }
    try {
      const detail = await this.act(principal, command);
      await this.audit(principal, command, 'done', null, detail);
      this.runtime.events.publish('control', { by: principal.name, role: principal.role, type: command.type, target: targetOf(command), reason: reasonOf(command) ?? null }, 'campaignId' in command ? command.campaignId : undefined);
      return { ok: true, type: command.type, detail };
    } catch (error) {
      const refused = error instanceof ControlRefused || error instanceof ControlInvalid;
      await this.audit(principal, command, refused ? 'refused' : 'failed', (error as Error).message);
      throw error;
    }
  }

  private async act(principal: Principal, command: ControlCommand): Promise<Record<string, unknown> | undefined> {
    const by = principal.name;
    switch (command.type) {
      case 'pause':
        this.runner(command.campaignId).control.pause();
        return;
      case 'pauseNow':
        this.runner(command.campaignId).control.pauseNow();
        return;
      case 'resume':
        if (this.latch) throw new ControlRefused(`the emergency stop is latched (by ${this.latch.by}: ${this.latch.reason}); reset it first`);
        this.runner(command.campaignId).control.resume();
        return;
      case 'stop':
        this.runner(command.campaignId).control.stopAfterCurrent();
        return;
      case 'abort':
        this.runner(command.campaignId).abort();
        return;
      case 'estop':
        return this.emergencyStop(by, command.reason ?? 'emergency stop');
      case 'resetEstop':
        return this.resetEmergencyStop(by, command.reason);
      case 'approve':
      case 'reject':
        return this.decide(principal, command);
      case 'inject': {
        const runner = this.runner(command.campaignId);
        const problems = pointProblems(await this.configOf(command.campaignId), command.params);
        if (problems.length > 0) throw new ControlInvalid(`injected experiment: ${problems.join('; ')}`);
        runner.inject(asPoint(command.params), by);
        return;
      }
      case 'exclude':
        return this.exclude(command.campaignId, command.experimentId, command.reason);
      case 'resolveUnknown':
        if (!this.runner(command.campaignId).resolveUnknown(command.experimentId, command.decision, by)) {
          throw new ControlRefused(`experiment ${command.experimentId} is not waiting for a decision on an unknown outcome`);
        }
        return;
      case 'updateCampaign':
        return this.updateCampaign(by, command.campaignId, command.yaml, command.reason);
      case 'startCampaign':
        return this.startCampaign(command);
      case 'takeLease':
        this.instrument(command.instrumentId).takeLease(by);
        return;
      case 'releaseLease':
        this.instrument(command.instrumentId).releaseLease(by, command.force === true && atLeast(principal.role, 'pi'));
        return;
      case 'manual': {
        const instrument = this.instrument(command.instrumentId);
        if (instrument.view.leasedBy !== by) throw new ControlRefused(`take the lease on ${command.instrumentId} before driving it by hand`);
        const result = await instrument.execute(command.action, command.params, { issuedBy: `user:${by}` });
        return { status: result.status, outputs: result.outputs ?? {}, error: result.error ?? null };
      }
      case 'clearProblem': {
        const result = await this.instrument(command.instrumentId).execute('clearProblem', { problem: command.problem }, { issuedBy: `user:${by}` });
        return { status: result.status };
      }
    }
  }

  /** Every instrument to its safe state at once; every campaign pauses; latched until reset. */
  private async emergencyStop(by: string, reason: string): Promise<Record<string, unknown>> {
    this.latch = { by, reason, atMs: Date.now() };
    for (const runner of this.campaigns.runners()) runner.control.pauseNow();
    const outcomes = await Promise.all(
      [...this.runtime.instruments.values()].map(async (instrument) => {
        try {
          const result = await instrument.execute('estop', { reason }, { issuedBy: `user:${by}` });
          return [instrument.id, result.status] as const;
        } catch (error) {
          return [instrument.id, `not confirmed: ${(error as Error).message}`] as const;
        }
      }),
    );
    this.runtime.events.publish('alert', { level: 'error', message: `EMERGENCY STOP by ${by}: ${reason}` });
    return { instruments: Object.fromEntries(outcomes) };
  }

  private async resetEmergencyStop(by: string, reason: string): Promise<Record<string, unknown>> {
    if (!this.latch) throw new ControlRefused('the emergency stop is not latched');
    const outcomes = await Promise.all(
      [...this.runtime.instruments.values()].map(async (instrument) => {
        const result = await instrument.reset(reason, `user:${by}`).catch((error: Error) => ({ status: `failed: ${error.message}` }));
        return [instrument.id, result.status] as const;
      }),
    );
    this.latch = null;
    this.runtime.events.publish('alert', { level: 'info', message: `emergency stop reset by ${by}: ${reason}; campaigns stay paused until resumed` });
    return { instruments: Object.fromEntries(outcomes) };
  }

  private async decide(principal: Principal, command: Extract<ControlCommand, { type: 'approve' | 'reject' }>): Promise<undefined> {
    const runner = this.runner(command.campaignId);
    if (command.type === 'approve' && command.params) {
      const problems = pointProblems(await this.configOf(command.campaignId), command.params);
      if (problems.length > 0) throw new ControlInvalid(`edited parameters: ${problems.join('; ')}`);
    }
    const decided =
      command.type === 'approve'
        ? runner.approvals.decide(command.experimentId, { kind: 'approve', by: `user:${principal.name}`, params: command.params && asPoint(command.params) })
        : runner.approvals.decide(command.experimentId, { kind: 'reject', by: `user:${principal.name}`, reason: command.reason });
    if (!decided) throw new ControlRefused(`experiment ${command.experimentId} is not waiting for approval`);
    return undefined;
  }

  private async exclude(campaignId: string, experimentId: string, reason: string): Promise<undefined> {
    const experiments = this.runtime.db.getRepository(ExperimentEntity);
    const row = await experiments.findOneBy({ id: experimentId, campaignId });
    if (!row) throw new ControlInvalid(`no experiment ${experimentId} in campaign ${campaignId}`);
    if (row.status !== 'succeeded' && row.status !== 'failed') throw new ControlRefused(`experiment ${experimentId} is ${row.status}: only finished results can be excluded`);
    await experiments.update(row.id, { excludedReason: reason });
    this.campaigns.runner(campaignId)?.exclude(row.id);
    return undefined;
  }

  /** A PI changes bounds, constraints or objectives: a new config version; data and model are kept. */
  private async updateCampaign(by: string, campaignId: string, yaml: string, reason: string): Promise<Record<string, unknown>> {
    const campaign = await this.runtime.db.getRepository(CampaignEntity).findOneBy({ id: campaignId });
    if (!campaign) throw new ControlInvalid(`no campaign ${campaignId}`);
    let loaded;
    try {
      loaded = parseCampaign(campaign.configFile, yaml, this.runtime.lab);
    } catch (error) {
      if (error instanceof ConfigError) throw new ControlInvalid(error.message);
      throw error;
    }
    const old = parseCampaign(campaign.configFile, campaign.configText).config;
    const oldNames = old.parameters.map((p) => p.name).join(',');
    if (loaded.config.parameters.map((p) => p.name).join(',') !== oldNames) {
      throw new ControlInvalid(`the parameters must stay ${oldNames}; change their bounds, not their names`);
    }
    const versions = this.runtime.db.getRepository(CampaignConfigEntity);
    const version = (await versions.countBy({ campaignId })) + 2;
    await this.runtime.db.transaction(async (tx) => {
      if (version === 2) {
        await tx.getRepository(CampaignConfigEntity).insert({ id: randomUUID(), campaignId, version: 1, text: campaign.configText, sha256: campaign.configSha256, author: 'creator', reason: null, createdAtMs: campaign.createdAtMs });
      }
      await tx.getRepository(CampaignConfigEntity).insert({ id: randomUUID(), campaignId, version, text: yaml, sha256: loaded.sha256, author: by, reason, createdAtMs: Date.now() });
      await tx.getRepository(CampaignEntity).update(campaignId, { configText: yaml, configSha256: loaded.sha256 });
    });
    this.campaigns.runner(campaignId)?.applyConfig(loaded.config);
    return { version, sha256: loaded.sha256 };
  }

  private async startCampaign(command: Extract<ControlCommand, { type: 'startCampaign' }>): Promise<Record<string, unknown>> {
    if (this.latch) throw new ControlRefused('the emergency stop is latched; reset it first');
    let campaignId = command.campaignId;
    try {
      if (!campaignId) {
        const { file, text } = await this.campaigns.source(command);
        campaignId = (await this.campaigns.create({ file, text, seed: command.seed })).id;
      }
      (await this.campaigns.start(campaignId)).done.catch(() => undefined);
    } catch (error) {
      if (error instanceof ConfigError) throw new ControlInvalid(error.message);
      throw new ControlRefused((error as Error).message);
    }
    return { campaignId };
  }

  private runner(campaignId: string): CampaignRunner {
    const runner = this.campaigns.runner(campaignId);
    if (!runner) throw new ControlRefused(`campaign ${campaignId} is not running`);
    return runner;
  }

  private instrument(instrumentId: string) {
    const instrument = this.runtime.instruments.get(instrumentId);
    if (!instrument) throw new ControlInvalid(`no instrument '${instrumentId}'`);
    return instrument;
  }

  private async configOf(campaignId: string) {
    const campaign = await this.runtime.db.getRepository(CampaignEntity).findOneByOrFail({ id: campaignId });
    return parseCampaign(campaign.configFile, campaign.configText).config;
  }

  private async audit(principal: Principal, command: { type: string }, outcome: AuditOutcome, message: string | null, detail?: Record<string, unknown>): Promise<void> {
    const { type, ...rest } = command as { type: string } & Record<string, unknown>;
    await this.runtime.db.getRepository(AuditEntity).insert({
      id: randomUUID(),
      atMs: Date.now(),
      actor: principal.name,
      role: principal.role,
      action: type,
      target: targetOf(command) ?? null,
      reason: reasonOf(command) ?? null,
      details: JSON.parse(JSON.stringify({ ...rest, ...(detail ? { result: detail } : {}) })) as JsonRecord,
      outcome,
      message,
    });
  }
}

function targetOf(command: object): string | undefined {
  const c = command as { campaignId?: string; instrumentId?: string; experimentId?: string };
  return c.experimentId ?? c.instrumentId ?? c.campaignId;
}

function reasonOf(command: object): string | undefined {
  return (command as { reason?: string }).reason;
}
