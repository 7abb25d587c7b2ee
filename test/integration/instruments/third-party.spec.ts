import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LabConfig, type Loaded, labSchema } from '@lab/config';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { CommandLogEntity, MeasurementEntity } from '../../../apps/orchestrator/src/persistence/entities';
import { startTestOrchestrator } from '../../support/lab';

/*
 * Issue 4: "a third-party client written only from docs/protocol.md can act as an instrument".
 * Two such clients drive a short campaign: one with raw mqtt.js below, one in bash with the
 * Mosquitto command-line clients (third-party/minimal-instrument.sh). Neither uses project code.
 */

type Kind = 'synthesis-robot' | 'spm';

/** A command the instrument ran, as it logs it. */
interface Executed {
  cmdId: string;
  idempotencyKey: string;
  action: string;
}

interface ThirdPartyInstrument {
  executed(): Executed[];
  stop(): Promise<void>;
}

// ---- The mqtt.js instrument: written from docs/protocol.md, importing nothing from the project ----

interface WireCommand {
  cmdId?: string;
  idempotencyKey: string;
  action: string;
  params: Record<string, unknown>;
}
interface Done {
  body: Record<string, unknown>;
  loopHeight?: number;
}

async function mqttJsInstrument(url: string, id: string, kind: Kind): Promise<ThirdPartyInstrument> {
  const topic = (leaf: string): string => `lab/v1/${id}/${leaf}`;
  const offline = { v: 1, instrumentId: id, online: false, state: 'offline', ready: false, reasons: ['offline'] };
  const client = await mqtt.connectAsync(url, { clientId: `third-party-${id}`, will: { topic: topic('status'), payload: Buffer.from(JSON.stringify(offline)), qos: 1, retain: true } });
  const publish = (leaf: string, body: object | Buffer, qos: 0 | 1 = 1, retain = false) =>
    client.publishAsync(topic(leaf), Buffer.isBuffer(body) ? body : JSON.stringify(body), { qos, retain });
  let seq = 0;
  const status = () => publish('status', { v: 1, instrumentId: id, kind, online: true, seq: ++seq, tsMs: Date.now(), state: 'idle', ready: true, reasons: [], problems: [] }, 1, true);
  const executed: Executed[] = [];
  const byKey = new Map<string, Done>();

  // A float32 spectrum: a rectangular loop whose height grows with every loop measured.
  const loopFrame = (cmdId: string, dataId: string, height: number): Buffer => {
    const header = Buffer.from(JSON.stringify({ v: 1, cmdId, dataId, kind: 'spectrum', dtype: 'float32', shape: [2, 4], rows: ['biasV', 'piezoresponsePm'] }));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    const values = Buffer.alloc(8 * 4);
    [0, 8, 8, 0, 0, 0, height, height].forEach((v, i) => values.writeFloatLE(v, 4 * i));
    return Buffer.concat([length, header, values]);
  };

  const run = (command: WireCommand): Done | undefined => {
    const p = command.params;
    switch (`${kind}/${command.action}`) {
      case 'synthesis-robot/synthesize': return { body: { outputs: { sampleId: p.sampleId as string, outcome: 'ok' } } };
      case 'synthesis-robot/handover': return { body: { outputs: { sampleId: p.sampleId as string, to: p.to as string } } };
      case 'synthesis-robot/halt':
      case 'spm/loadSample':
      case 'spm/withdraw': return { body: { outputs: {} } };
      case 'spm/approach': return { body: { outputs: { zPiezoNm: 120 } } };
      case 'spm/hysteresisLoop': {
        const loopHeight = 10 * (executed.filter((e) => e.action === 'hysteresisLoop').length + 1);
        return { body: { outputs: { xNm: p.xNm as number, yNm: p.yNm as number } }, loopHeight };
      }
      default: return undefined;
    }
  };

  const handle = async (command: WireCommand): Promise<void> => {
    const { cmdId } = command;
    if (!cmdId) return; // nothing to answer to
    const finish = async (done: Done): Promise<void> => {
      const dataIds = done.loopHeight === undefined ? [] : [`${cmdId}.d0`];
      if (done.loopHeight !== undefined) await publish('data', loopFrame(cmdId, dataIds[0], done.loopHeight));
      await publish('result', { v: 1, cmdId, status: 'succeeded', ...done.body, ...(dataIds.length ? { dataIds } : {}), finishedAtMs: Date.now() });
    };
    const prior = byKey.get(command.idempotencyKey);
    if (prior) {
      await publish('ack', { v: 1, cmdId, accepted: true, duplicate: true });
      return finish(prior);
    }
    const done = run(command);
    if (!done) {
      await publish('ack', { v: 1, cmdId, accepted: false, reason: { code: 'unsupported', message: `this instrument cannot ${command.action}`, field: 'action' } });
      return;
    }
    await publish('ack', { v: 1, cmdId, accepted: true });
    await publish('progress', { v: 1, cmdId, fraction: 0.5, etaS: 0 }, 0);
    byKey.set(command.idempotencyKey, done);
    executed.push({ cmdId, idempotencyKey: command.idempotencyKey, action: command.action });
    await finish(done);
  };

  await client.subscribeAsync(topic('cmd'), { qos: 1 });
  // One command at a time, in arrival order.
  let queue = Promise.resolve();
  client.on('message', (_topic, payload) => {
    queue = queue.then(() => handle(JSON.parse(payload.toString('utf8')) as WireCommand)).catch(() => undefined);
  });
  await status();
  const heartbeat = setInterval(() => void status(), 1000);
  return {
    executed: () => [...executed],
    stop: async () => {
      clearInterval(heartbeat);
      await client.endAsync();
    },
  };
}

// ---- The bash instrument: the Mosquitto command-line clients, another MQTT stack altogether ----

const SCRIPT = join(__dirname, 'third-party', 'minimal-instrument.sh');
const mosquittoClients = !spawnSync('mosquitto_pub', ['--help']).error && !spawnSync('mosquitto_sub', ['--help']).error;

async function mosquittoCliInstrument(url: string, id: string, kind: Kind, dir: string): Promise<ThirdPartyInstrument> {
  const { hostname, port } = new URL(url);
  const log = join(dir, `${id}.executed`);
  writeFileSync(log, '');
  // Its own process group, so stopping it also stops its mosquitto_sub and heartbeat loop.
  const child: ChildProcess = spawn('bash', [SCRIPT, hostname, port, id, kind, log], { detached: true, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    executed: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => {
          const [cmdId, idempotencyKey, action] = line.split(' ');
          return { cmdId, idempotencyKey, action };
        }),
    stop: async () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      await exited;
    },
  };
}

// ---- The orchestrator side: a lab without simulation, and a short campaign ----

function hardwareLab(dir: string): Loaded<LabConfig> {
  const config = labSchema.parse({
    name: 'third-party-lab',
    broker: { embeddedPort: 0 },
    database: { url: `sqlite:${join(dir, 'lab.sqlite')}` },
    dataDir: join(dir, 'data'),
    simulation: { enabled: false, timeScale: 1 },
    instruments: [
      { id: 'robot', kind: 'synthesis-robot', envelope: { annealTempC: { min: 200, max: 1100 } } },
      { id: 'afm', kind: 'spm', envelope: { vMaxV: { min: 0, max: 10 } } },
    ],
  });
  const text = JSON.stringify(config);
  return { file: join(dir, 'lab.json'), config, text, sha256: createHash('sha256').update(text).digest('hex') };
}

const EXPERIMENTS = 3;
const CAMPAIGN = `
name: third-party-smoke
parameters:
  - { name: annealTempC, type: continuous, lower: 400, upper: 900, unit: degC }
  - { name: annealTimeMin, type: continuous, lower: 10, upper: 120, unit: min }
objectives:
  - name: loop_area
    direction: maximize
    from: { step: loop, feature: loop_area }
planner:
  kind: sobol
budget:
  experiments: ${EXPERIMENTS}
workflow:
  - id: make
    instrument: robot
    action: synthesize
    expectedDurationS: 600
    params:
      sampleId: \${experiment.sampleId}
      recipe:
        fractions: { A: 0.5, B: 0.3, C: 0.2 }
        annealTempC: \${params.annealTempC}
        annealTimeMin: \${params.annealTimeMin}
  - id: handover
    instrument: robot
    action: handover
    expectedDurationS: 60
    params: { sampleId: "\${steps.make.sampleId}", to: afm }
  - { id: approach, instrument: afm, action: approach, expectedDurationS: 30 }
  - id: loop
    instrument: afm
    action: hysteresisLoop
    expectedDurationS: 30
    params: { xNm: 2500, yNm: 2500, vMaxV: 8, cycles: 1, points: 64 }
  - { id: withdraw, instrument: afm, action: withdraw, expectedDurationS: 30 }
`;

const IMPLEMENTATIONS = [
  { name: 'raw mqtt.js', available: true, start: (url: string, id: string, kind: Kind) => mqttJsInstrument(url, id, kind) },
  { name: 'bash with mosquitto_sub / mosquitto_pub', available: mosquittoClients, start: mosquittoCliInstrument },
];

describe.each(IMPLEMENTATIONS)('a third-party robot and AFM written from docs/protocol.md alone: $name', ({ available, start }) => {
  it.skipIf(!available)('run a short campaign to completion, and the command log is exactly what they executed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'third-party-'));
    const orchestrator = await startTestOrchestrator(hardwareLab(dir));
    const instruments: ThirdPartyInstrument[] = [];
    try {
      const url = orchestrator.runtime.brokerUrl;
      instruments.push(await start(url, 'robot', 'synthesis-robot', dir), await start(url, 'afm', 'spm', dir));
      for (const id of ['robot', 'afm']) await orchestrator.runtime.instruments.get(id)?.whenAvailable(15_000);

      const row = await orchestrator.campaigns.create({ file: 'third-party.yaml', text: CAMPAIGN, seed: 1 });
      const summary = await (await orchestrator.campaigns.start(row.id)).done;
      expect(summary).toMatchObject({ status: 'completed', experiments: EXPERIMENTS, succeeded: EXPERIMENTS });

      const db = orchestrator.runtime.db;
      const logged = await db.getRepository(CommandLogEntity).find();
      const executed = instruments.flatMap((i) => i.executed());
      const key = (c: Executed): string => `${c.cmdId} ${c.idempotencyKey} ${c.action}`;
      expect(logged.map(key).sort()).toEqual(executed.map(key).sort());
      expect(logged).toHaveLength(5 * EXPERIMENTS);
      expect(logged.every((c) => c.status === 'succeeded' && c.ackAtMs !== null && c.resultAtMs !== null)).toBe(true);

      // The loops' data frames arrived intact: the area of the n-th rectangle is 8 V x 10n pm.
      const loops = await db.getRepository(MeasurementEntity).findBy({ stepId: 'loop' });
      expect(loops.map((m) => m.features.loop_area).sort((a, b) => a - b)).toEqual([80, 160, 240]);
    } finally {
      await Promise.all(instruments.map((i) => i.stop()));
      await orchestrator.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
