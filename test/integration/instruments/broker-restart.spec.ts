import type { CommandHandle } from '@lab/drivers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandLog, openCommandLog } from './support/command-log';
import { IDS, type InstrumentRig, RECIPE, startRig, viewWhere } from './support/rig';


describe('a broker restart while commands are in flight (facades over MqttBus, twins)', () => {
  let rig: InstrumentRig;
  let log: CommandLog;
  beforeAll(async () => {
    log = await openCommandLog();
    // Deadlines far beyond the outage: this is about results surviving it, not about timeouts.
    rig = await startRig('mqtt', { journal: log.journal, deadlineMarginS: 60 });
  });
  afterAll(async () => {
    await rig.close();
    await log.close();
  });

  it('loses no command result, and no command runs twice', async () => {
    const broker = rig.broker;
    if (!broker) throw new Error('an MQTT rig has a broker');
    // Every instrument holds an accepted command; the results are produced while the broker is down.
    for (const id of IDS) rig.lab.twin(id).setFaults({ stuck: true });
    const opts = { issuedBy: 'test:broker-restart' };
    const handles: CommandHandle[] = [
      await rig.robot.synthesize('s-restart', RECIPE, opts),
      await rig.afm.setBias(2.5, opts),
      await rig.stem.park({ xNm: 300, yNm: 400 }, opts),
    ];
    await Promise.all(handles.map((h) => h.accepted));

    await broker.stop();
    for (const id of IDS) rig.lab.twin(id).setFaults({ stuck: false });
    await broker.start();
    // The restarted broker has lost every session, so the orchestrator must be subscribed again before
    // the twins resend their results; its bus retries after 50 ms, the twins after 500 ms. (Were an
    // instrument back first, its result would reach nobody, and the facade would only recover it by
    // resending the command when its deadline passes: MqttLink does not resend on reconnect.)

    const results = await Promise.all(handles.map((h) => h.result));
    expect(results.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(results[0].outputs).toEqual({ sampleId: 's-restart', outcome: 'ok' });
    for (const handle of handles) {
      expect(await log.row(handle.cmdId)).toMatchObject({ status: 'succeeded' });
      expect(rig.lab.ledger().filter((e) => e.cmdId === handle.cmdId)).toHaveLength(1);
    }

    // The links work on after the restart.
    await Promise.all(IDS.map((id) => viewWhere(rig.instrument(id), (v) => v.online && v.state === 'idle')));
    expect((await rig.afm.execute('setBias', { biasV: 0 }, opts)).status).toBe('succeeded');
  });
});
