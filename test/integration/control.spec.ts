import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../apps/orchestrator/src/auth/roles';
import type { Orchestrator } from '../../apps/orchestrator/src/bootstrap';
import { REQUIRED_ROLE, type ControlType } from '../../apps/orchestrator/src/control/control.schema';
import { ControlInvalid, ControlRefused } from '../../apps/orchestrator/src/control/control.service';
import { AuditEntity, CommandLogEntity, ExperimentEntity } from '../../apps/orchestrator/src/persistence/entities';
import { campaignText, startTestOrchestrator, testLab } from '../support/lab';

const tech: Principal = { name: 'tess', role: 'technician' };
const viewer: Principal = { name: 'vic', role: 'viewer' };
const pi: Principal = { name: 'pat', role: 'pi' };
const ROLES: Principal[] = [viewer, tech, pi, { name: 'ada', role: 'admin' }];
const RANK = { viewer: 0, technician: 1, pi: 2, admin: 3 } as const;

/** The smallest well-formed command of each type, aimed at a campaign that does not run. */
function sample(type: ControlType): Record<string, unknown> {
  const campaignId = 'no-such-campaign';
  const base: Record<ControlType, Record<string, unknown>> = {
    pause: { campaignId }, pauseNow: { campaignId }, resume: { campaignId }, stop: { campaignId },
    abort: { campaignId, reason: 'test' }, estop: {}, resetEstop: { reason: 'test' },
    approve: { campaignId, experimentId: 'x' }, reject: { campaignId, experimentId: 'x', reason: 'test' },
    inject: { campaignId, params: {} }, exclude: { campaignId, experimentId: 'x', reason: 'test' },
    resolveUnknown: { campaignId, experimentId: 'x', decision: 'failed', reason: 'test' },
    updateCampaign: { campaignId, yaml: 'name: x', reason: 'test' }, startCampaign: { campaignId },
    takeLease: { instrumentId: 'none' }, releaseLease: { instrumentId: 'none' },
    manual: { instrumentId: 'none', action: 'approach' }, clearProblem: { instrumentId: 'none', problem: 'drift', reason: 'test' },
  };
  return { type, ...base[type] };
}

describe('control plane', () => {
  let orchestrator: Orchestrator;
  let cleanup: () => void;
  const audit = () => orchestrator.runtime.db.getRepository(AuditEntity);

  beforeAll(async () => {
    const lab = testLab({ timeScale: 0.0002 });
    cleanup = lab.cleanup;
    orchestrator = await startTestOrchestrator(lab.lab);
  });
  afterAll(async () => {
    await orchestrator.close();
    cleanup();
  });

  it('applies every role rule: below the required role is refused and audited, at or above it gets past the role check', async () => {
    for (const type of Object.keys(REQUIRED_ROLE) as ControlType[]) {
      if (type === 'estop' || type === 'resetEstop') continue; // these act on the whole lab; covered below
      for (const principal of ROLES) {
        const error = await orchestrator.control.execute(principal, sample(type)).then(() => undefined, (e: unknown) => e);
        const allowed = RANK[principal.role] >= RANK[REQUIRED_ROLE[type]];
        if (!allowed) {
          expect(error, `${principal.role} ${type}`).toBeInstanceOf(ControlRefused);
          expect((error as Error).message).toMatch(/may not/);
        } else {
          // Allowed past the role check; it then fails on the missing campaign or instrument, not on the role.
          expect((error as Error | undefined)?.message ?? '', `${principal.role} ${type}`).not.toMatch(/may not/);
        }
      }
    }
    const refusals = await audit().findBy({ outcome: 'refused', actor: 'vic' });
    expect(refusals.length).toBeGreaterThan(10);
  });

  it('names malformed overrides and records them', async () => {
    await expect(orchestrator.control.execute(tech, { type: 'abort', campaignId: 'c' })).rejects.toThrow(ControlInvalid);
    await expect(orchestrator.control.execute(tech, { type: 'teleport' })).rejects.toThrow(/type/);
    expect(await audit().countBy({ action: 'teleport' })).toBe(1);
  });

  it('pauses and resumes at every step of the workflow: no step runs twice, none is skipped', async () => {
    const text = campaignText('config/campaigns/demo.yaml', (t) => t.replace('experiments: 24', 'experiments: 2'));
    const { campaignId } = (await orchestrator.control.execute(tech, { type: 'startCampaign', yaml: text, seed: 7 })).detail as { campaignId: string };
    const runner = orchestrator.campaigns.runner(campaignId);
    expect(runner).toBeDefined();
    const pauses: string[] = [];
    // Pause as each step's command goes out, wait, resume: the step is the checkpoint boundary.
    const sub = orchestrator.runtime.events.events$.subscribe((event) => {
      if (event.type === 'experiment.step' && event.campaignId === campaignId) {
        pauses.push(String(event.data.stepId));
        void orchestrator.control.execute(tech, { type: 'pause', campaignId }).then(
          () => setTimeout(() => void orchestrator.control.execute(tech, { type: 'resume', campaignId }).catch(() => undefined), 30),
          () => undefined,
        );
      }
    });
    const summary = await (await orchestrator.campaigns.start(campaignId)).done;
    sub.unsubscribe();
    expect(summary.status).toBe('completed');
    const rows = await orchestrator.runtime.db.getRepository(CommandLogEntity).find({ where: { campaignId }, order: { issuedAtMs: 'ASC' } });
    const experiments = await orchestrator.runtime.db.getRepository(ExperimentEntity).find({ where: { campaignId }, order: { index: 'ASC' } });
    for (const experiment of experiments.filter((e) => e.status === 'succeeded')) {
      const steps = rows.filter((r) => r.experimentId === experiment.id).map((r) => r.stepId);
      expect(steps).toEqual(['make', 'handover', 'approach', 'loop', 'withdraw']);
    }
    const ledger = orchestrator.runtime.sim?.ledger().filter((l) => l.idempotencyKey.startsWith(campaignId)) ?? [];
    expect(new Set(ledger.map((l) => l.idempotencyKey)).size).toBe(ledger.length);
    expect(pauses.length).toBeGreaterThanOrEqual(5);
  });

  it('pause-now interrupts the step in flight and runs it again, once, after resume', async () => {
    const text = campaignText('config/campaigns/demo.yaml', (t) => t.replace('experiments: 24', 'experiments: 1'));
    const { campaignId } = (await orchestrator.control.execute(tech, { type: 'startCampaign', yaml: text, seed: 8 })).detail as { campaignId: string };
    // Interrupt the synthesis (the first, longest step) as soon as it is under way.
    const sub = orchestrator.runtime.events.events$.subscribe((event) => {
      if (event.type === 'command.progress' && event.campaignId === campaignId && event.data.stepId === 'make') {
        sub.unsubscribe();
        void orchestrator.control.execute(tech, { type: 'pauseNow', campaignId }).then(
          () => setTimeout(() => void orchestrator.control.execute(tech, { type: 'resume', campaignId }).catch(() => undefined), 100),
          () => undefined,
        );
      }
    });
    const summary = await (await orchestrator.campaigns.start(campaignId)).done;
    expect(summary.status).toBe('completed');
    const makes = await orchestrator.runtime.db.getRepository(CommandLogEntity).findBy({ campaignId, stepId: 'make' });
    expect(makes.map((m) => m.status).sort()).toEqual(['cancelled', 'succeeded']);
    const executed = orchestrator.runtime.sim?.ledger().filter((l) => l.idempotencyKey.startsWith(`${campaignId}/0/make`)) ?? [];
    expect(executed.filter((l) => l.status === 'succeeded')).toHaveLength(1);
  });

  it('lets a PI, not a technician, change a running campaign; the new version is recorded', async () => {
    const text = campaignText('config/campaigns/demo-approval.yaml');
    const { campaignId } = (await orchestrator.control.execute(tech, { type: 'startCampaign', yaml: text, seed: 9 })).detail as { campaignId: string };
    const narrowed = text.replace('lower: 300, upper: 1000', 'lower: 400, upper: 900');
    await expect(orchestrator.control.execute(tech, { type: 'updateCampaign', campaignId, yaml: narrowed, reason: 'narrow T' })).rejects.toThrow(/needs pi/);
    const outcome = await orchestrator.control.execute(pi, { type: 'updateCampaign', campaignId, yaml: narrowed, reason: 'narrow the temperature range' });
    expect(outcome.detail).toMatchObject({ version: 2 });
    const renamed = text.replace(/fracC/g, 'fracD');
    await expect(orchestrator.control.execute(pi, { type: 'updateCampaign', campaignId, yaml: renamed, reason: 'rename' })).rejects.toThrow(/parameters must stay/);
    await orchestrator.control.execute(tech, { type: 'abort', campaignId, reason: 'done with this test' });
  });

  it('checks injected and edited points against the space and its constraints', async () => {
    const text = campaignText('config/campaigns/demo-approval.yaml');
    const { campaignId } = (await orchestrator.control.execute(tech, { type: 'startCampaign', yaml: text, seed: 10 })).detail as { campaignId: string };
    const bad = { fracA: 0.5, fracB: 0.5, fracC: 0.5, annealTempC: 1200, annealTimeMin: 10 };
    await expect(orchestrator.control.execute(tech, { type: 'inject', campaignId, params: bad })).rejects.toThrow(/annealTempC: 1200 is outside \[300, 1000\]/);
    const unbalanced = { ...bad, annealTempC: 500 };
    await expect(orchestrator.control.execute(tech, { type: 'inject', campaignId, params: unbalanced })).rejects.toThrow(/constraint .* is not met/);
    await orchestrator.control.execute(tech, { type: 'abort', campaignId, reason: 'done with this test' });
  });
});
