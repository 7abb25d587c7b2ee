import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The HTTP client of the api-under-load bench, in its own thread so that its timers and parsing
 * are not on the orchestrator's event loop (a browser or a monitoring probe would be another
 * process). Open loop: requests leave on a fixed schedule whether or not earlier ones have
 * answered, so a slow server cannot slow the client down and hide its own latency.
 */
export interface ClientSetup {
  url: string;
  token: string;
  paths: string[];
  ratePerS: number;
}

/** main -> client: run one phase. */
export interface RunPhase {
  phase: string;
  seconds: number;
}

/** One request: which path, how long from send to the last byte of the answer, and its status. */
export interface Sample {
  path: string;
  ms: number;
  status: number;
  /** For status 0: the connection error (ECONNRESET, ...). */
  error?: string;
  /** How late the client sent it against its schedule, ms (the client's own delay, not the server's). */
  lagMs: number;
}

/** client -> main: a phase's samples. */
export interface PhaseDone {
  phase: string;
  samples: Sample[];
  /** Requests not sent because this many were already outstanding (the server fell far behind). */
  skipped: number;
}

const setup = workerData as ClientSetup;
// Kept-alive connections, used in turn (fifo): with the default lifo, a connection opened in a burst
// sits idle until the server's 5 s keep-alive timeout closes it, and a request that picks it up at
// that moment fails with ECONNRESET, a client-side race that says nothing about the server.
const agent = new Agent({ keepAlive: true, maxSockets: 8, scheduling: 'fifo' });
// Beyond this many unanswered requests the server is hopelessly behind; skip rather than pile up.
const MAX_OUTSTANDING = 64;

function get(path: string): Promise<{ status: number; ms: number; error?: string }> {
  const started = performance.now();
  const failed = (error: NodeJS.ErrnoException) => ({ status: 0, ms: performance.now() - started, error: error.code ?? error.message });
  return new Promise((resolve) => {
    const req = request(`${setup.url}${path}`, { agent, headers: { authorization: `Bearer ${setup.token}` } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      res.on('error', (error) => resolve(failed(error)));
    });
    req.on('error', (error) => resolve(failed(error)));
    req.end();
  });
}

async function runPhase({ phase, seconds }: RunPhase): Promise<PhaseDone> {
  const periodMs = 1000 / setup.ratePerS;
  const total = Math.round(seconds * setup.ratePerS);
  const samples: Sample[] = [];
  const pending: Array<Promise<void>> = [];
  let outstanding = 0;
  let skipped = 0;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + i * periodMs;
    const waitMs = due - performance.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    if (outstanding >= MAX_OUTSTANDING) {
      skipped++;
      continue;
    }
    const path = setup.paths[i % setup.paths.length];
    const lagMs = Math.max(0, performance.now() - due);
    outstanding++;
    pending.push(
      get(path).then(({ status, ms, error }) => {
        outstanding--;
        samples.push({ path, ms, status, lagMs, ...(error ? { error } : {}) });
      }),
    );
  }
  await Promise.all(pending);
  return { phase, samples, skipped };
}

parentPort?.on('message', (message: RunPhase | 'stop') => {
  if (message === 'stop') {
    agent.destroy();
    parentPort?.close();
    return;
  }
  void runPhase(message).then((done) => parentPort?.postMessage(done));
});
parentPort?.postMessage('ready');
