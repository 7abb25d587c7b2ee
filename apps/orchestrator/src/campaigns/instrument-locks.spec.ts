import { describe, expect, it } from 'vitest';
import { InstrumentLocks } from './instrument-locks';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('instrument locks', () => {
  it('gives an instrument to one holder at a time, in the order asked', async () => {
    const locks = new InstrumentLocks();
    const order: string[] = [];
    const releaseA = await locks.acquire('stem');
    const b = locks.acquire('stem').then((release) => (order.push('b'), release));
    const c = locks.acquire('stem').then((release) => (order.push('c'), release));
    const robot = await locks.acquire('robot'); // another instrument is free meanwhile
    await tick();
    expect(order).toEqual([]);
    releaseA();
    (await b)();
    (await c)();
    robot();
    expect(order).toEqual(['b', 'c']);
    // Everything released: the next caller gets it at once.
    await locks.acquire('stem');
  });
});
