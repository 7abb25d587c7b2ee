import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './mqtt-harness';

/** Two linked pseudo-terminals made by socat: what one end writes, the other reads. */
export interface PtyPair {
  /** Path of one end (give it to the twin). */
  readonly devicePath: string;
  /** Path of the other end (give it to the host's link). */
  readonly hostPath: string;
  /** Kill socat: both ends vanish, as when a USB cable is pulled. */
  unplug(): Promise<void>;
  /** Start socat again on the same paths. */
  plug(): Promise<void>;
  stop(): Promise<void>;
}

/** Start `socat pty,raw,echo=0,link=... pty,raw,echo=0,link=...` (tests; needs socat on the PATH). */
export async function startPtyPair(name = 'twin'): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-pty-'));
  const devicePath = join(dir, `${name}-device`);
  const hostPath = join(dir, `${name}-host`);
  let socat: ChildProcess | undefined;

  const plug = async (): Promise<void> => {
    const child = spawn('socat', [`pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${hostPath}`], { stdio: 'ignore' });
    socat = child;
    await waitFor(() => existsSync(devicePath) && existsSync(hostPath), 5000, 'socat pty pair');
  };
  const unplug = async (): Promise<void> => {
    const child = socat;
    socat = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await waitFor(() => !existsSync(devicePath) && !existsSync(hostPath), 5000, 'socat links removed');
  };
  await plug();
  return { devicePath, hostPath, plug, unplug, stop: unplug };
}
