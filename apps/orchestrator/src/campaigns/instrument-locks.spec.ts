import { describe, expect, it } from 'vitest';
import { InstrumentLocks } from './instrument-locks';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('instrument locks', () => {
  it('gives an instrument to one holder at a time, in the order asked', async () => {
    const locks = new InstrumentLocks();
    const order: string[] = [];
    const a = await locks.acquire('stem');
    const b = locks.acquire('stem').then((turn) => (order.push('b'), turn.underway(), turn));
    const c = locks.acquire('stem').then((turn) => (order.push('c'), turn.underway(), turn));
    const robot = await locks.acquire('robot'); // another instrument is free meanwhile
    await tick();
    expect(order).toEqual([]);
    await a.release();
    expect(order).toEqual(['b']);
    await (await b).release();
    await (await c).release();
    await robot.release();
    expect(order).toEqual(['b', 'c']);
    // Everything released: the next caller gets it at once.
    await locks.acquire('stem');
  });

  it('lets the one passing an instrument on go on once the next holder\'s command is under way', async () => {
    const locks = new InstrumentLocks();
    const events: string[] = [];
    const a = await locks.acquire('stem');
    const b = locks.acquire('stem');
    const released = a.release().then(() => events.push('a goes on'));
    const turn = await b;
    await tick();
    expect(events).toEqual([]);
    events.push('b under way');
    turn.underway();
    await released;
    expect(events).toEqual(['b under way', 'a goes on']);
  });

  it('does not wait for a next holder that never gets under way (paused at its checkpoint)', async () => {
    const locks = new InstrumentLocks();
    const a = await locks.acquire('stem');
    const b = locks.acquire('stem');
    await a.release(); // resolves after the bounded wait, although b never reports
    await expect(b).resolves.toBeDefined();
  });

  it('lets a holder with nobody waiting go on at once, and ignores a second release', async () => {
    const locks = new InstrumentLocks();
    const a = await locks.acquire('stem');
    await a.release();
    const b = await locks.acquire('stem');
    await a.release(); // must not pass on b's turn
    let cGranted = false;
    const c = locks.acquire('stem').then((turn) => ((cGranted = true), turn));
    await tick();
    expect(cGranted).toBe(false);
    b.underway();
    await b.release();
    await c;
    expect(cGranted).toBe(true);
  });
});
