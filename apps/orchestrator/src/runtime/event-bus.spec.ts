import { describe, expect, it } from 'vitest';
import { EventBus } from './event-bus';

describe('EventBus', () => {
  it('numbers events and returns exactly what a client missed', () => {
    const bus = new EventBus(5);
    for (let i = 0; i < 4; i++) bus.publish('alert', { i });
    expect(bus.since(2)?.map((e) => e.seq)).toEqual([3, 4]);
    expect(bus.since(4)).toEqual([]);
  });

  it('says when a client is too far behind for a replay', () => {
    const bus = new EventBus(3);
    for (let i = 0; i < 6; i++) bus.publish('alert', { i });
    expect(bus.since(3)?.map((e) => e.seq)).toEqual([4, 5, 6]);
    expect(bus.since(2)).toBeUndefined();
  });
});
