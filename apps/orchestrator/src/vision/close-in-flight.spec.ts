import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { typeScriptRegister } from './worker-pool';

const FIXTURE = join(__dirname, 'testing', 'close-in-flight.ts');

const ROOT = join(__dirname, '..', '..', '..', '..');

/** `@lab/config` and friends, as tsconfig.json maps them, for the child that runs sources. */
const aliasResolver = `
  const Module = require('node:module');
  const aliases = ${JSON.stringify(Object.fromEntries(['planners', 'drivers', 'instruments', 'simulations', 'config', 'vision'].map((name) => [`@lab/${name}`, join(ROOT, name, 'src', 'index.ts')])))};
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) { return resolve.call(this, aliases[request] ?? request, ...rest); };`;

/** Run the fixture from sources in a child: a native abort there ends the child, not the test runner. */
function runFixture(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const script = `${typeScriptRegister()}\n${aliasResolver}\nrequire(${JSON.stringify(FIXTURE)});`;
  const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

interface Round {
  delayMs: number;
  finished: number;
  closedBeforeRun: number;
  otherErrors: string[];
}

// Before the fix, close() terminated workers that were inside InferenceSession.run, and the process
// died with "terminate called after throwing an instance of 'Napi::Error'" (exit 134).
describe('closing the vision pipeline with frames in flight', () => {
  it('lets running frames finish, fails the queued ones, and the process exits 0', async () => {
    const { code, signal, stdout, stderr } = await runFixture({ CLOSE_DELAYS_MS: '0,50,120' });
    expect({ code, signal, stderr: stderr.slice(0, 500) }).toEqual({ code: 0, signal: null, stderr: '' });
    const rounds = stdout.trim().split('\n').map((line) => JSON.parse(line) as Round);
    expect(rounds.map((r) => r.delayMs)).toEqual([0, 50, 120]);
    for (const r of rounds) {
      // Two workers: the two frames in hand finish; the four still queued are turned away.
      expect(r).toMatchObject({ finished: 2, closedBeforeRun: 4, otherErrors: [] });
    }
  }, 180_000);

  it('stops a LabRuntime whose pipeline has frames in flight, and the process exits 0', async () => {
    const { code, signal, stdout, stderr } = await runFixture({ CLOSE_MODE: 'runtime' });
    expect({ code, signal, stderr: stderr.slice(0, 500) }).toEqual({ code: 0, signal: null, stderr: '' });
    // Stopped 80 and 150 ms after handing over 1024 px frames: before the fix, both aborted (exit 134).
    expect(stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([80, 150].map((delayMs) => ({ delayMs, runningAtStop: 2, finished: 2, closedBeforeRun: 4 })));
  }, 120_000);

  it('keeps the process alive until frames in hand are done when nobody closes it', async () => {
    const { code, signal, stdout, stderr } = await runFixture({ CLOSE_MODE: 'abandon' });
    expect({ code, signal, stderr: stderr.slice(0, 500) }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(stdout.trim().split('\n')).toHaveLength(2);
  }, 120_000);
});
