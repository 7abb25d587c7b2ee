import { describe, expect, it } from 'vitest';
import { FrameScheduler } from './frame-scheduler';
import { PipelineClosedError, SupersededError } from './vision-errors';

/** An executor whose jobs finish only when the test says so. */
function manualExecutor() {
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const execute = (job: string) =>
    new Promise<string>((resolve) => {
      started.push(job);
      finishers.set(job, () => resolve(`done:${job}`));
    });
  const finish = async (job: string) => {
    const f = finishers.get(job);
    if (!f) throw new Error(`${job} has not started`);
    f();
    // Let the completion and the next dispatch run.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { started, execute, finish };
}

const tick = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('backpressure rule', () => {
  it('never drops a measurement: a full queue holds the producer until a slot frees', async () => {
    const ex = manualExecutor();
    const scheduler = new FrameScheduler({ concurrency: 1, measurementCapacity: 2 }, ex.execute);
    const admitted: string[] = [];
    const results: Array<Promise<string>> = [];
    // The producer acquires m0..m5, awaiting admission before each next acquisition.
    const producer = (async () => {
      for (let i = 0; i < 6; i++) {
        const { result } = await scheduler.admitMeasurement(`m${i}`);
        admitted.push(`m${i}`);
        results.push(result);
      }
    })();
    await tick();
    // m0 runs, m1 and m2 wait in the queue, m3 is acquired but not admitted: the producer is held.
    expect(ex.started).toEqual(['m0']);
    expect(admitted).toEqual(['m0', 'm1', 'm2']);
    expect(scheduler.stats()).toMatchObject({ running: 1, queuedMeasurements: 2, waitingToAdmit: 1 });
    await ex.finish('m0');
    await tick();
    expect(admitted).toEqual(['m0', 'm1', 'm2', 'm3']);
    for (const job of ['m1', 'm2', 'm3', 'm4', 'm5']) {
      await tick();
      await ex.finish(job);
    }
    await producer;
    expect(await Promise.all(results)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5'].map((m) => `done:${m}`));
    expect(ex.started).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('keeps only the latest waiting preview, lets a running one finish, and runs measurements first', async () => {
    const ex = manualExecutor();
    const scheduler = new FrameScheduler({ concurrency: 1, measurementCapacity: 4 }, ex.execute);
    const p1 = scheduler.offerPreview('p1');
    await tick();
    expect(ex.started).toEqual(['p1']);
    const p2 = scheduler.offerPreview('p2');
    const p3 = scheduler.offerPreview('p3');
    const { result: m1 } = await scheduler.admitMeasurement('m1');
    await expect(p2).rejects.toBeInstanceOf(SupersededError);
    await ex.finish('p1');
    expect(await p1).toBe('done:p1');
    // The measurement goes before the waiting preview.
    expect(ex.started).toEqual(['p1', 'm1']);
    await ex.finish('m1');
    expect(await m1).toBe('done:m1');
    expect(ex.started).toEqual(['p1', 'm1', 'p3']);
    await ex.finish('p3');
    expect(await p3).toBe('done:p3');
    expect(scheduler.stats()).toMatchObject({ previewsSuperseded: 1, completed: 3 });
  });

  it('runs as many frames at once as it has workers', async () => {
    const ex = manualExecutor();
    const scheduler = new FrameScheduler({ concurrency: 2, measurementCapacity: 1 }, ex.execute);
    await scheduler.admitMeasurement('a');
    await scheduler.admitMeasurement('b');
    await scheduler.admitMeasurement('c');
    await tick();
    expect(ex.started).toEqual(['a', 'b']);
    expect(scheduler.stats()).toMatchObject({ running: 2, queuedMeasurements: 1 });
  });

  it('rejects waiting frames and blocked producers when closed', async () => {
    const ex = manualExecutor();
    const scheduler = new FrameScheduler({ concurrency: 1, measurementCapacity: 1 }, ex.execute);
    await scheduler.admitMeasurement('a');
    const { result: queued } = await scheduler.admitMeasurement('b');
    const blocked = scheduler.admitMeasurement('c');
    scheduler.close();
    await expect(queued).rejects.toBeInstanceOf(PipelineClosedError);
    await expect(blocked).rejects.toBeInstanceOf(PipelineClosedError);
    await expect(scheduler.offerPreview('p')).rejects.toBeInstanceOf(PipelineClosedError);
  });
});
