import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import mqtt from 'mqtt';
import WebSocket from 'ws';
import { loadLab } from '@lab/config';
import { startOrchestrator, type Orchestrator } from '../../apps/orchestrator/src/bootstrap';
import { packageRoot } from '../../apps/orchestrator/src/package-root';
import { quantile } from '../planners/stats';
import { report, runContext } from '../support/report';

export interface ControlBenchOptions {
  json: boolean;
  outFile: string;
  quick: boolean;
}

interface Latency {
  n: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

const summarize = (valuesMs: number[]): Latency => ({
  n: valuesMs.length,
  p50Ms: round(quantile(valuesMs, 0.5)),
  p95Ms: round(quantile(valuesMs, 0.95)),
  p99Ms: round(quantile(valuesMs, 0.99)),
  maxMs: round(valuesMs.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY)),
});
const round = (x: number): number => Math.round(x * 100) / 100;

/** A signed-in dashboard connection. */
async function dashboard(url: string, token: string) {
  const socket = new WebSocket(url.replace('http', 'ws') + '/ws');
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const answers = new Map<number, () => void>();
  socket.on('message', (raw) => {
    const { event, data } = JSON.parse(raw.toString());
    if (event === 'controlResult') answers.get(data.requestId)?.();
  });
  socket.send(JSON.stringify({ event: 'hello', data: { token, lastSeq: 0 } }));
  let next = 1;
  return {
    socket,
    control(command: Record<string, unknown>): Promise<void> {
      const requestId = next++;
      return new Promise((resolve) => {
        answers.set(requestId, resolve);
        socket.send(JSON.stringify({ event: 'control', data: { requestId, command } }));
      });
    },
  };
}

/**
 * Emergency stop: from the moment a dashboard sends the websocket message to the moment every
 * twin's status on the broker says `estopped` (seen by an independent MQTT subscriber).
 */
async function estopLatency(orchestrator: Orchestrator, rounds: number): Promise<Latency> {
  const token = orchestrator.auth.issue({ name: 'bench', role: 'technician' });
  const client = await dashboard(orchestrator.url as string, token);
  const ids = [...orchestrator.runtime.instruments.keys()];
  const observer = await mqtt.connectAsync(orchestrator.runtime.brokerUrl, { clientId: `bench-observer-${process.pid}` });
  (observer.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  const states = new Map<string, string>();
  let onChange = (): void => undefined;
  observer.on('message', (topic, payload) => {
    const id = topic.split('/')[2];
    states.set(id, JSON.parse(payload.toString()).state);
    onChange();
  });
  await observer.subscribeAsync('lab/v1/+/status', { qos: 1 });
  const all = (state: string) => () => ids.every((id) => states.get(id) === state);
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      onChange = () => done() && resolve();
      onChange();
    });
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    await until(all('idle'));
    const t0 = performance.now();
    const stopped = until(all('estopped'));
    void client.control({ type: 'estop', reason: 'benchmark' });
    await stopped;
    samples.push(performance.now() - t0);
    await client.control({ type: 'resetEstop', reason: 'benchmark round done' });
  }
  client.socket.close();
  await observer.endAsync();
  return summarize(samples);
}

/** Fan-out: events published at a fixed rate, received by many signed-in dashboards in another thread. */
async function fanOut(orchestrator: Orchestrator, clients: number, ratePerS: number, seconds: number): Promise<Latency & { delivered: number; expected: number }> {
  const token = orchestrator.auth.issue({ name: 'viewer', role: 'viewer' });
  const worker = new Worker(join(__dirname, 'dashboards.worker.js'), { workerData: { url: orchestrator.url, token, clients } });
  await new Promise<void>((resolve, reject) => worker.once('message', () => resolve()).once('error', reject));
  await new Promise((r) => setTimeout(r, 500));
  const total = ratePerS * seconds;
  const intervalMs = 1000 / ratePerS;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const waitMs = start + i * intervalMs - performance.now();
    if (waitMs > 1) await new Promise((r) => setTimeout(r, waitMs));
    orchestrator.runtime.events.publish('alert', { level: 'info', message: `bench ${i}`, bench: true });
  }
  await new Promise((r) => setTimeout(r, 1000));
  worker.postMessage('report');
  const { delaysMs } = await new Promise<{ delaysMs: number[] }>((resolve) => worker.once('message', resolve));
  await worker.terminate();
  return { ...summarize(delaysMs), delivered: delaysMs.length, expected: total * clients };
}

/** `lab bench control`: e-stop latency and dashboard event fan-out, on loopback. */
export async function runControlBench(opts: ControlBenchOptions): Promise<void> {
  const root = packageRoot();
  const lab = loadLab(join(root, 'config/lab.yaml'));
  lab.config.broker.embeddedPort = 0;
  lab.config.database.url = 'sqlite::memory:';
  const orchestrator = await startOrchestrator({ lab, baseDir: root, http: true, port: 0 });
  try {
    const rounds = opts.quick ? 20 : 200;
    const estop = await estopLatency(orchestrator, rounds);
    const fan = await fanOut(orchestrator, 50, 500, opts.quick ? 3 : 10);
    const result = {
      ...runContext('control', `lab bench control${opts.quick ? ' --quick' : ''}`),
      estop: { ...estop, targetP99Ms: 50 },
      fanOut: { clients: 50, eventsPerS: 500, ...fan, targetP99Ms: 100 },
    };
    report(
      opts.outFile,
      result,
      opts.json,
      ['measure', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'target p99'],
      [
        ['e-stop: ws message -> every twin estopped', String(estop.n), String(estop.p50Ms), String(estop.p95Ms), String(estop.p99Ms), String(estop.maxMs), '<= 50 ms'],
        [`fan-out: 500 events/s to 50 dashboards`, String(fan.n), String(fan.p50Ms), String(fan.p95Ms), String(fan.p99Ms), String(fan.maxMs), '<= 100 ms'],
      ],
    );
    if (!opts.json) console.log(`fan-out delivered ${fan.delivered} of ${fan.expected} messages; results in ${opts.outFile}`);
  } finally {
    await orchestrator.close();
  }
}
