import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_TABLE, type History, missingRows, runRow } from './support/action-table';
import { IDS, type InstrumentRig, startRig } from './support/rig';

describe('every catalogue action round-trips on a serial line: Instrument facade, SerialLink, twin on a socat pty pair', () => {
  let rig: InstrumentRig;
  beforeAll(async () => {
    rig = await startRig('serial');
  });
  afterAll(() => rig.close());

  it.each(IDS)('the table has a row for every %s catalogue action', (id) => expect(missingRows(id)).toEqual([]));

  describe.each(IDS)('%s', (id) => {
    const history: History = new Map();
    it.each(ACTION_TABLE[id].map((row) => [row.action, row] as const))('%s', (_, row) => runRow(rig, id, row, history));
  });
});
