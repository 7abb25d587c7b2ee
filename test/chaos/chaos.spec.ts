import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimulatedLab, startSimulatedLab } from '@lab/simulations';
import Database from 'better-sqlite3';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { TestBroker } from '../support/broker';
import { ROOT } from '../support/lab';

const KILLS = Number(process.env.CHAOS_KILLS ?? 20);
const BUDGET = 20;
const TIME_SCALE = 0.0004;

/** A seeded generator, so a failing run can be replayed with the same kill moments. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

/** `lab start` as a separate process, as in production, against the twins of this test. */
function startOrchestrator(dir: string, brokerUrl: string, first: boolean): { child: ChildProcess; output: () => string } {
  let output = '';
  // The first start creates the campaign; every restart only resumes what is unfinished.
  const campaign = first ? ['--campaign', join(dir, 'campaign.yaml'), '--seed', '3'] : ['--idle'];
  const child = spawn(process.execPath, [join(ROOT, 'bin/lab.js'), 'start', '--lab', join(dir, 'lab.yaml'), '--no-sim', '--broker', brokerUrl, '--port', '0', ...campaign], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

const waitFor = async (check: () => boolean, timeoutMs: number, what: string): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const exited = (child: ChildProcess): Promise<void> => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve())));

describe('chaos: SIGKILL the orchestrator at random moments of a campaign', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-chaos-'));
  const broker = new TestBroker();
  let sim: SimulatedLab | undefined;
  afterAll(async () => {
    await sim?.stop();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`loses no result, runs nothing twice and leaves no orphan command across ${KILLS} kills`, async () => {
    await broker.start();
    const lab = parse(readFileSync(join(ROOT, 'config/lab.yaml'), 'utf8'));
    lab.simulation = { ...lab.simulation, enabled: false, timeScale: TIME_SCALE };
    lab.database = { url: `sqlite:${join(dir, 'lab.sqlite')}` };
    lab.dataDir = join(dir, 'data');
    writeFileSync(join(dir, 'lab.yaml'), stringify(lab));
    // Two experiments in flight: the next one's commands wait journalled (queued) for their
    // instrument, so kills also land between a command's journal entry and its send.
    const campaign = readFileSync(join(ROOT, 'config/campaigns/demo.yaml'), 'utf8').replace('experiments: 24', `experiments: ${BUDGET}`).replace('batchSize: 1', 'batchSize: 1\n  inFlight: 2');
    expect(campaign).toContain('inFlight: 2');
    writeFileSync(join(dir, 'campaign.yaml'), campaign);
    sim = await startSimulatedLab({
      brokerUrl: broker.url,
      instruments: lab.instruments.map((i: { id: string; kind: 'spm' | 'stem' | 'synthesis-robot'; envelope: Record<string, { min?: number; max?: number }> }) => ({ id: i.id, kind: i.kind, transport: { type: 'mqtt' }, envelope: i.envelope })),
      seed: 3,
      timeScale: TIME_SCALE,
    });
    // Faults on top of the kills: slow acks and lost acks (the result still arrives).
    sim.twin('afm').setFaults({ latencyMs: 5, dropAckProbability: 0.1 });
    sim.twin('robot').setFaults({ dropAckProbability: 0.1 });

    const random = rng(20261123);
    const first = startOrchestrator(dir, broker.url, true);
    await waitFor(() => /campaign '.*' \(.*\) started/.test(first.output()), 30_000, 'the campaign to start').catch((error: Error) => {
      throw new Error(`${error.message}; the orchestrator said:\n${first.output()}`);
    });
    let current = first;
    for (let kill = 0; kill < KILLS; kill++) {
      await new Promise((r) => setTimeout(r, 500 + random() * 2500));
      current.child.kill('SIGKILL');
      await exited(current.child);
      current = startOrchestrator(dir, broker.url, false);
      await waitFor(() => /dashboard: /.test(current.output()) || current.child.exitCode !== null, 30_000, `restart ${kill + 1}`);
      expect(current.child.exitCode, current.output()).toBeNull();
    }
    const campaignStatus = (): string => {
      const db = new Database(join(dir, 'lab.sqlite'), { readonly: true });
      try {
        return (db.prepare('SELECT status FROM campaign').get() as { status: string }).status;
      } finally {
        db.close();
      }
    };
    await waitFor(() => ['completed', 'failed', 'aborted'].includes(campaignStatus()), 180_000, 'the campaign to finish');
    current.child.kill('SIGINT');
    await exited(current.child);

    const db = new Database(join(dir, 'lab.sqlite'), { readonly: true });
    const campaigns = db.prepare('SELECT id, status, statusReason FROM campaign').all() as { id: string; status: string; statusReason: string }[];
    const commands = db.prepare('SELECT cmdId, idempotencyKey, status, action FROM command_log WHERE campaignId IS NOT NULL').all() as { cmdId: string; idempotencyKey: string; status: string; action: string }[];
    const experiments = db.prepare("SELECT id, status FROM experiment WHERE status != 'rejected'").all() as { id: string; status: string }[];
    const loops = db.prepare("SELECT COUNT(*) AS n FROM measurement WHERE stepId = 'loop'").get() as { n: number };
    db.close();
    // The twins' own record of what they executed, for this campaign's commands.
    const ledger = (sim.ledger() ?? []).filter((e) => e.idempotencyKey.startsWith(`${campaigns[0]?.id}/`));
    const executions = new Map<string, number>();
    for (const entry of ledger) executions.set(entry.idempotencyKey, (executions.get(entry.idempotencyKey) ?? 0) + 1);
    const duplicates = [...executions.values()].filter((n) => n > 1).length;
    const logged = new Map(commands.map((c) => [c.idempotencyKey, c.status]));
    // A result is lost when the instrument finished a command but the log does not say so.
    const lost = ledger.filter((e) => e.status !== 'running' && logged.get(e.idempotencyKey) !== e.status).length;
    const orphans = commands.filter((c) => c.status === 'queued' || c.status === 'accepted').length;
    const unknown = commands.filter((c) => c.status === 'unknown').length;
    const succeeded = experiments.filter((e) => e.status === 'succeeded').length;
    console.log(
      `chaos: ${KILLS} SIGKILL restarts; ${commands.length} campaign commands logged, ${ledger.length} executed by the twins; ` +
        `${lost} lost results, ${duplicates} duplicate executions, ${orphans} orphan commands, ${unknown} unknown; ` +
        `campaign ${campaigns.map((c) => c.status).join(',')}, ${experiments.length} experiments (${succeeded} succeeded, ${loops.n} loop measurements)`,
    );
    expect(campaigns).toHaveLength(1);
    expect(campaigns[0].status, campaigns[0].statusReason).toBe('completed');
    expect(experiments).toHaveLength(BUDGET);
    expect(duplicates).toBe(0);
    expect(lost).toBe(0);
    expect(orphans).toBe(0);
    expect(loops.n).toBe(succeeded);
  }, 600_000);
});
