import { DeviceTimeoutError } from '@lab/drivers';
import { InstrumentUnavailableError } from '@lab/instruments';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandLog, openCommandLog } from './support/command-log';
import { type InstrumentRig, startRig, viewWhere } from './support/rig';

describe.each(['mqtt', 'serial'] as const)('an instrument that stops answering mid-command, over %s', (transport) => {
  let rig: InstrumentRig;
  let log: CommandLog;
  beforeAll(async () => {
    log = await openCommandLog();
    // A short deadline margin keeps the test quick; the deadline is still the command's own.
    rig = await startRig(transport, { journal: log.journal, deadlineMarginS: 1.5 });
  });
  afterAll(async () => {
    await rig.close();
    await log.close();
  });

  it('fails the command with DeviceTimeoutError at its deadline, logs it, and puts the facade in fault', async () => {
    const twin = rig.lab.twin('afm');
    twin.setFaults({ stuck: true });
    const handle = await rig.afm.setBias(2, { issuedBy: 'test:timeout' });
    // It did answer at first: the silence starts after the ack.
    await expect(handle.accepted).resolves.toMatchObject({ accepted: true });
    const error = await handle.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceTimeoutError);
    expect(error).toMatchObject({ cmdId: handle.cmdId, waitingFor: 'result' });

    const row = await log.row(handle.cmdId);
    expect(row).toMatchObject({ status: 'timeout', error: { code: 'DeviceTimeoutError' } });
    // The wait was bounded by this command's deadline, not by some longer fixed timeout.
    expect((error as DeviceTimeoutError).waitedMs).toBeLessThanOrEqual((row?.deadlineMs ?? 0) - (row?.issuedAtMs ?? 0));

    expect(rig.afm.view.state).toBe('fault');
    expect(rig.afm.view.reasons.some((r) => r.startsWith('fault:'))).toBe(true);
    await expect(rig.afm.setBias(1, { issuedBy: 'test:timeout' })).rejects.toBeInstanceOf(InstrumentUnavailableError);
  });

  it('comes back after a reset once the instrument answers again', async () => {
    rig.lab.twin('afm').setFaults({ stuck: false });
    await rig.afm.reset('timeout test: instrument answers again', 'test:timeout');
    await viewWhere(rig.afm, (v) => v.state === 'idle');
    const again = await rig.afm.execute('setBias', { biasV: 1 }, { issuedBy: 'test:timeout' });
    expect(again.status).toBe('succeeded');
  });
});
