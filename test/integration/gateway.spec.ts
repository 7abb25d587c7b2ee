import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Orchestrator } from '../../apps/orchestrator/src/bootstrap';
import { startTestOrchestrator, testLab } from '../support/lab';

interface Message {
  event: string;
  data: { seq?: number; type?: string; data?: Record<string, unknown>; ok?: boolean; error?: string };
}

/** A websocket client that collects every message. */
async function connect(url: string): Promise<{ socket: WebSocket; messages: Message[]; closed: Promise<number> }> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/ws`);
  const messages: Message[] = [];
  socket.on('message', (raw) => messages.push(JSON.parse(raw.toString())));
  const closed = new Promise<number>((resolve) => socket.once('close', resolve));
  await new Promise((resolve) => socket.once('open', resolve));
  return { socket, messages, closed };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('websocket gateway', () => {
  let orchestrator: Orchestrator;
  let cleanup: () => void;
  beforeAll(async () => {
    const lab = testLab();
    cleanup = lab.cleanup;
    orchestrator = await startTestOrchestrator(lab.lab, { http: true });
  });
  afterAll(async () => {
    await orchestrator.close();
    cleanup();
  });

  it('tells an unauthenticated socket nothing and closes it', async () => {
    const { socket, messages, closed } = await connect(orchestrator.url as string);
    socket.send(JSON.stringify({ event: 'hello', data: { token: 'forged', lastSeq: 0 } }));
    expect(await closed).toBe(4401);
    orchestrator.runtime.events.publish('alert', { level: 'info', message: 'secret' });
    expect(messages.map((m) => m.event)).toEqual(['error']);
  });

  it('refuses control messages before hello', async () => {
    const { socket, messages } = await connect(orchestrator.url as string);
    socket.send(JSON.stringify({ event: 'control', data: { requestId: 1, command: { type: 'estop' } } }));
    await until(() => messages.length > 0);
    expect(messages[0]).toMatchObject({ event: 'controlResult', data: { ok: false, error: 'sign in first' } });
    expect(orchestrator.control.estop).toBeNull();
    socket.close();
  });

  it('replays exactly the events a reconnecting client missed, in order', async () => {
    const token = orchestrator.auth.issue({ name: 'vic', role: 'viewer' });
    const first = await connect(orchestrator.url as string);
    first.socket.send(JSON.stringify({ event: 'hello', data: { token, lastSeq: 0 } }));
    await until(() => first.messages.some((m) => m.event === 'snapshot'));
    orchestrator.runtime.events.publish('alert', { level: 'info', message: 'seen' });
    await until(() => first.messages.some((m) => m.data.data?.message === 'seen'));
    const lastSeen = Math.max(...first.messages.map((m) => (m.event === 'lab' ? (m.data.seq ?? 0) : 0)));
    first.socket.close();
    await first.closed;

    const missed = [1, 2, 3].map((i) => orchestrator.runtime.events.publish('alert', { level: 'info', message: `missed ${i}` }).seq);
    const second = await connect(orchestrator.url as string);
    second.socket.send(JSON.stringify({ event: 'hello', data: { token, lastSeq: lastSeen } }));
    await until(() => second.messages.filter((m) => m.event === 'lab').some((m) => m.data.seq === missed[2]));
    const replayed = second.messages.filter((m) => m.event === 'lab').map((m) => m.data.seq as number);
    // Every event after the last one seen, none twice, none skipped (instrument heartbeats may sit in between).
    expect(replayed).toEqual(Array.from({ length: replayed.length }, (_, i) => lastSeen + 1 + i));
    expect(replayed).toEqual(expect.arrayContaining(missed));
    expect(second.messages.some((m) => m.event === 'snapshot')).toBe(false);
    second.socket.close();
  });
});
