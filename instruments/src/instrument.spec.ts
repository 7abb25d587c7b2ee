import type { Ack, Command, CommandHandle, CommandResult, InstrumentLink, LinkState, StatusMsg } from '@lab/drivers';
import { BehaviorSubject, EMPTY } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InvalidCommandError, InstrumentUnavailableError, LimitViolationError } from './errors';
import { Spm, Stem, SynthesisRobot } from './facades';
import type { CommandJournal } from './instrument';

/** A link that records what is sent and answers every command with success. */
class RecordingLink implements InstrumentLink {
  readonly sent: Command[] = [];
  readonly status = new BehaviorSubject<StatusMsg>({ v: 1, instrumentId: 'x', online: true, state: 'idle', ready: true, reasons: [] });
  readonly instrumentId = 'x';
  readonly status$ = this.status.asObservable();
  readonly state$ = new BehaviorSubject<LinkState>('connected').asObservable();
  constructor(private readonly events: string[] = []) {}
  send(command: Command): CommandHandle {
    this.events.push(`send ${command.action}`);
    this.sent.push(command);
    const ack: Ack = { v: 1, cmdId: command.cmdId, accepted: true };
    const result: CommandResult = { v: 1, cmdId: command.cmdId, status: 'succeeded', data: [] };
    return { cmdId: command.cmdId, accepted: Promise.resolve(ack), progress$: EMPTY, result: Promise.resolve(result) };
  }
  async close(): Promise<void> {}
}

const journal = (events: string[]): CommandJournal => ({
  beforeSend: async (c) => void events.push(`journal ${c.action}`),
  onAck: async (c) => void events.push(`ack ${c.action} sent at ${c.issuedAtMs}`),
  onResult: async (cmdId) => void events.push(`result ${cmdId.length > 0}`),
  onWithdrawn: async (_cmdId, reason) => void events.push(`withdrawn: ${reason}`),
});

describe('Instrument facades', () => {
  it('rejects an out-of-envelope command before anything is sent or journalled (never clamps)', async () => {
    const events: string[] = [];
    const link = new RecordingLink(events);
    const spm = new Spm({ id: 'afm', link, envelope: { vMaxV: { max: 10 } }, journal: journal(events) });
    const error = await spm.hysteresisLoop({ xNm: 1, yNm: 1 }, { vMaxV: 12, cycles: 1, points: 64 }, { issuedBy: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitViolationError);
    expect(error).toMatchObject({ field: 'vMaxV', value: 12 });
    expect(link.sent).toHaveLength(0);
    expect(events).toEqual([]);
  });

  it('applies campaign limits only to tighten the lab envelope', async () => {
    const link = new RecordingLink();
    const spm = new Spm({ id: 'afm', link, envelope: { vMaxV: { max: 10 } } });
    await expect(spm.send('hysteresisLoop', { xNm: 0, yNm: 0, vMaxV: 9.5, cycles: 1, points: 64 }, { issuedBy: 't', envelope: { vMaxV: { max: 9 } } })).rejects.toThrow(/vMaxV = 9.5 is outside \[-inf, 9\]/);
    await expect(spm.send('hysteresisLoop', { xNm: 0, yNm: 0, vMaxV: 10.5, cycles: 1, points: 64 }, { issuedBy: 't', envelope: { vMaxV: { max: 20 } } })).rejects.toThrow(LimitViolationError);
  });

  it('limits derived quantities: a STEM frame whose dwell x pixels exceeds the frame time', async () => {
    const stem = new Stem({ id: 'stem', link: new RecordingLink(), envelope: { frameTimeS: { max: 60 } } });
    await expect(stem.scan({ fovNm: 10, pixels: 2048, dwellUs: 20 }, { issuedBy: 't' })).rejects.toMatchObject({ field: 'frameTimeS' });
    await expect(stem.scan({ fovNm: 10, pixels: 512, dwellUs: 20 }, { issuedBy: 't' })).resolves.toBeDefined();
  });

  it('limits nested parameters by their leaf name', async () => {
    const robot = new SynthesisRobot({ id: 'robot', link: new RecordingLink(), envelope: { annealTempC: { max: 1100 } } });
    const recipe = { fractions: { A: 0.5, B: 0.5, C: 0 }, annealTempC: 1200, annealTimeMin: 10 };
    await expect(robot.synthesize('s1', recipe, { issuedBy: 't' })).rejects.toMatchObject({ field: 'recipe.annealTempC' });
  });

  it('names a malformed parameter and an unknown action', async () => {
    const robot = new SynthesisRobot({ id: 'robot', link: new RecordingLink(), envelope: {} });
    const bad = { fractions: { A: 0.5, B: 0.6, C: 0 }, annealTempC: 500, annealTimeMin: 10 };
    await expect(robot.synthesize('s1', bad, { issuedBy: 't' })).rejects.toThrow(/recipe.fractions: composition fractions A \+ B \+ C must sum to 1/);
    await expect(robot.send('teleport', {}, { issuedBy: 't' })).rejects.toBeInstanceOf(InvalidCommandError);
  });

  it('journals a command before sending it, and settles the result only after the journal has it', async () => {
    const events: string[] = [];
    const spm = new Spm({ id: 'afm', link: new RecordingLink(events), envelope: {}, journal: journal(events) });
    await (await spm.approach({ issuedBy: 't' })).result;
    expect(events.filter((e) => !e.startsWith('ack'))).toEqual(['journal approach', 'send approach', 'result true']);
  });

  it('prepares a command (journalled, not sent) and sends it later with the deadline counted from the send', async () => {
    const events: string[] = [];
    const link = new RecordingLink(events);
    const robot = new SynthesisRobot({ id: 'robot', link, envelope: {}, journal: journal(events), timeScale: 1, deadlineSlack: 1, deadlineMarginS: 0 });
    const prepared = await robot.prepare('handover', { sampleId: 's', to: 'afm' }, { issuedBy: 't', expectedDurationS: 2 });
    expect(events).toEqual(['journal handover']);
    expect(link.sent).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const before = Date.now();
    await (await prepared.send()).result;
    const [command] = link.sent;
    expect(command.cmdId).toBe(prepared.cmdId);
    expect(command.issuedAtMs).toBeGreaterThanOrEqual(before);
    expect(command.deadlineMs - command.issuedAtMs).toBe(2000);
    expect(events).toContain(`ack handover sent at ${command.issuedAtMs}`);
  });

  it('withdraws a prepared command the instrument can no longer take, and sends nothing', async () => {
    const events: string[] = [];
    const link = new RecordingLink(events);
    const spm = new Spm({ id: 'afm', link, envelope: {}, journal: journal(events) });
    const prepared = await spm.prepare('approach', {}, { issuedBy: 't' });
    link.status.next({ v: 1, instrumentId: 'afm', online: true, state: 'estopped', ready: false, reasons: ['estopped'] });
    await expect(prepared.send()).rejects.toBeInstanceOf(InstrumentUnavailableError);
    expect(link.sent).toHaveLength(0);
    expect(events).toEqual(['journal approach', expect.stringMatching(/^withdrawn: .*estopped/)]);
  });

  it('sets a deadline from the expected duration on the instrument clock', async () => {
    const link = new RecordingLink();
    const robot = new SynthesisRobot({ id: 'robot', link, envelope: {}, timeScale: 0.001, deadlineSlack: 2, deadlineMarginS: 1 });
    await robot.send('handover', { sampleId: 's', to: 'afm' }, { issuedBy: 't', expectedDurationS: 1000 });
    const [command] = link.sent;
    expect(command.deadlineMs - command.issuedAtMs).toBe(1000 * (1000 * 0.001 * 2 + 1));
  });

  it('refuses motion while e-stopped but still sends control actions', async () => {
    const link = new RecordingLink();
    const spm = new Spm({ id: 'afm', link, envelope: {} });
    link.status.next({ v: 1, instrumentId: 'afm', online: true, state: 'estopped', ready: false, reasons: ['estopped'] });
    await expect(spm.approach({ issuedBy: 't' })).rejects.toBeInstanceOf(InstrumentUnavailableError);
    await expect(spm.send('reset', { reason: 'cleared' }, { issuedBy: 't' })).resolves.toBeDefined();
  });
});
