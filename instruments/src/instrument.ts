import { randomUUID } from 'node:crypto';
import {
  type Ack,
  type Command,
  type CommandHandle,
  type CommandResult,
  DeviceTimeoutError,
  type InstrumentLink,
  type Progress,
  type InstrumentState,
  type Params,
  PROTOCOL_VERSION,
  type StatusMsg,
} from '@lab/drivers';
import { BehaviorSubject, combineLatest, filter, firstValueFrom, map, type Observable, Subject, timeout } from 'rxjs';
import { type ActionCatalog, type ActionSpec, catalogFor, type InstrumentKind } from './catalog';
import { checkEnvelope, type Envelope, tighten } from './envelope';
import { InstrumentUnavailableError, InvalidCommandError } from './errors';

const UNAVAILABLE: ReadonlySet<InstrumentState> = new Set(['offline', 'fault', 'estopped']);
/** How often a command is sent again when its ack or result goes missing before it counts as a timeout. */
const MAX_RESENDS = 2;
/** After a missed result deadline, how long the resend waits for the instrument to replay the outcome. */
const RESULT_REPLAY_WAIT_MS = 5000;

/** Where the command came from: stored with it in the command log. */
export interface CommandContext {
  campaignId?: string;
  experimentId?: string;
  stepId?: string;
}

/**
 * Persistence of every command. `beforeSend` must have stored the command when it resolves: the
 * command is sent only after that, so a crash can never leave a sent command without a record. A
 * prepared command may wait in the journal for its instrument; the ack records when it was sent.
 */
export interface CommandJournal {
  /** `resent`: the command goes again under its original id (after a restart), so its row may exist. */
  beforeSend(command: Command, instrumentId: string, context: CommandContext, resent: boolean): Promise<void>;
  /** With the command as it was sent: its issue time and deadline are those of the send, not of the journal entry. */
  onAck(command: Command, outcome: Ack | Error): Promise<void>;
  onResult(cmdId: string, outcome: CommandResult | Error): Promise<void>;
  /** A journalled command that will not be sent after all. */
  onWithdrawn(cmdId: string, reason: string): Promise<void>;
}

/** A command validated and journalled, not sent yet: it goes the moment its instrument is free. */
export interface PreparedCommand {
  readonly cmdId: string;
  /** Send it now, with its deadline counted from now; refused (and withdrawn) when the instrument cannot take it. */
  send(): Promise<CommandHandle>;
  /** It will not be sent: the journal records that, so no row is left looking in flight. */
  withdraw(reason: string): Promise<void>;
}

export interface SendOptions {
  issuedBy: string;
  idempotencyKey?: string;
  /** Nominal duration at real pace; defaults to the action's own estimate. */
  expectedDurationS?: number;
  /** Extra limits for this command (a campaign's safety section), on top of the lab envelope. */
  envelope?: Envelope;
  context?: CommandContext;
  /** Re-send a command under its original id (after a restart): with its idempotency key, it never runs twice. */
  cmdId?: string;
}

export interface InstrumentOptions {
  id: string;
  kind: InstrumentKind;
  link: InstrumentLink;
  envelope: Envelope;
  journal?: CommandJournal;
  /** Instrument time per real second: 1 for hardware, the twin clock scale in simulation. */
  timeScale?: number;
  /** Deadline = issue time + expected duration x timeScale x slack + margin. */
  deadlineSlack?: number;
  deadlineMarginS?: number;
}

/** What a dashboard or the runner needs to know about an instrument at a glance. */
export interface InstrumentView {
  id: string;
  kind: InstrumentKind;
  online: boolean;
  state: InstrumentState;
  ready: boolean;
  reasons: string[];
  problems: string[];
  telemetry: Params;
  /** The person holding the manual-control lease; automation waits while someone does. */
  leasedBy: string | null;
}

/**
 * A typed face on one instrument: it validates every command against the action catalogue and the
 * safety envelope before anything leaves, journals it, sends it, and tracks the instrument state.
 */
export class Instrument {
  readonly id: string;
  readonly kind: InstrumentKind;
  readonly catalog: ActionCatalog;
  readonly view$: Observable<InstrumentView>;
  private readonly localFault = new BehaviorSubject<string | undefined>(undefined);
  private readonly lease = new BehaviorSubject<string | null>(null);
  private latest!: InstrumentView;

  constructor(private readonly options: InstrumentOptions) {
    this.id = options.id;
    this.kind = options.kind;
    this.catalog = catalogFor(options.kind);
    this.view$ = combineLatest([options.link.status$, this.localFault, this.lease]).pipe(map(([status, fault, lease]) => this.toView(status, fault, lease)));
    this.view$.subscribe((view) => (this.latest = view));
  }

  /** The current view (links replay their latest status, so there always is one). */
  get view(): InstrumentView {
    return this.latest;
  }

  /** Give one person manual control: only their commands (and control actions) go through until released. */
  takeLease(holder: string): void {
    const current = this.lease.value;
    if (current !== null && current !== holder) throw new InstrumentUnavailableError(this.id, 'leased', `${current} holds manual control`);
    this.lease.next(holder);
  }

  releaseLease(holder: string, force = false): void {
    const current = this.lease.value;
    if (current === null) return;
    if (current !== holder && !force) throw new InstrumentUnavailableError(this.id, 'leased', `${current} holds manual control, not ${holder}`);
    this.lease.next(null);
  }

  /** Validate, journal and send a command; resolves once it is on its way (not when it is done). */
  async send(action: string, rawParams: unknown, options: SendOptions): Promise<CommandHandle> {
    // Refused before anything is journalled when the instrument cannot take it now.
    this.assertSendable(this.spec(action), options.issuedBy);
    return (await this.prepare(action, rawParams, options)).send();
  }

  /**
   * Validate and journal a command without sending it, so that it can go the moment the instrument
   * is free (another experiment's command may still be running): the hand-off costs no journal write.
   */
  async prepare(action: string, rawParams: unknown, options: SendOptions): Promise<PreparedCommand> {
    const spec = this.spec(action);
    const parsed = spec.params.safeParse(rawParams ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidCommandError(this.id, action, `${issue.path.join('.') || 'params'}: ${issue.message}`);
    }
    const params = parsed.data as Params;
    const envelope = options.envelope ? tighten(this.options.envelope, options.envelope) : this.options.envelope;
    checkEnvelope(this.id, envelope, params, spec.derived?.(params) ?? {});

    const expectedDurationS = options.expectedDurationS ?? spec.nominalDurationS(params);
    const windowMs = Math.round(1000 * (expectedDurationS * (this.options.timeScale ?? 1) * (this.options.deadlineSlack ?? 1.5) + (this.options.deadlineMarginS ?? 3)));
    const issuedAtMs = Date.now();
    const journalled: Command = {
      v: PROTOCOL_VERSION,
      cmdId: options.cmdId ?? randomUUID(),
      idempotencyKey: options.idempotencyKey ?? randomUUID(),
      action,
      params,
      issuedBy: options.issuedBy,
      issuedAtMs,
      deadlineMs: issuedAtMs + windowMs,
      expectedDurationS,
    };
    const journal = this.options.journal;
    await journal?.beforeSend(journalled, this.id, options.context ?? {}, options.cmdId !== undefined);
    return {
      cmdId: journalled.cmdId,
      send: async () => {
        try {
          this.assertSendable(spec, options.issuedBy);
        } catch (error) {
          await journal?.onWithdrawn(journalled.cmdId, (error as Error).message);
          throw error;
        }
        const nowMs = Date.now();
        return this.dispatch({ ...journalled, issuedAtMs: nowMs, deadlineMs: nowMs + windowMs });
      },
      withdraw: async (reason) => journal?.onWithdrawn(journalled.cmdId, reason),
    };
  }

  private spec(action: string): ActionSpec {
    const spec = this.catalog[action];
    if (!spec) throw new InvalidCommandError(this.id, action, `unknown action (this ${this.kind} has: ${Object.keys(this.catalog).join(', ')})`);
    return spec;
  }

  /** Motion and measurement need an available instrument, and its lease holder when someone has manual control. */
  private assertSendable(spec: ActionSpec, issuedBy: string): void {
    if (!spec.exclusive) return;
    this.assertAvailable();
    const holder = this.lease.value;
    if (holder !== null && issuedBy !== `user:${holder}`) throw new InstrumentUnavailableError(this.id, 'leased', `${holder} holds manual control`);
  }

  /**
   * Send a journalled command and follow it to its end. A missing ack or result is first taken for
   * a lost message: the command goes again under the same id and idempotency key, so the
   * instrument replays its outcome (or runs it, if it never got it) and never runs it twice. Only
   * when the resends go unanswered too is the instrument silent: a timeout, and a fault.
   */
  private dispatch(first: Command): CommandHandle {
    const journal = this.options.journal;
    const progress$ = new Subject<Progress>();
    let settleAck!: { resolve: (ack: Ack) => void; reject: (error: Error) => void };
    const accepted = new Promise<Ack>((resolve, reject) => (settleAck = { resolve, reject }));
    accepted.catch(() => undefined);
    const windowMs = first.deadlineMs - first.issuedAtMs;
    let nextWindowMs = windowMs;
    const follow = async (): Promise<CommandResult> => {
      for (let attempt = 0; ; attempt++) {
        const command = attempt === 0 ? first : { ...first, issuedAtMs: Date.now(), deadlineMs: Date.now() + nextWindowMs };
        const handle = this.options.link.send(command);
        const forwarding = handle.progress$.subscribe({ next: (p) => progress$.next(p) });
        const acked = handle.accepted.then(
          async (ack) => {
            settleAck.resolve(ack);
            await journal?.onAck(command, ack);
          },
          async (error: Error) => {
            if (error instanceof DeviceTimeoutError) return; // a resend may still be acknowledged
            settleAck.reject(error);
            await journal?.onAck(command, error);
          },
        );
        try {
          const value = await handle.result;
          await acked;
          // The result settles only once the journal has it, so nobody acts on a result the log lacks.
          await journal?.onResult(command.cmdId, value);
          progress$.complete();
          return value;
        } catch (error) {
          forwarding.unsubscribe();
          await acked;
          if (error instanceof DeviceTimeoutError && attempt < MAX_RESENDS) {
            // A lost command or ack: the whole window again. A lost result: a short wait for the replay.
            nextWindowMs = error.waitingFor === 'ack' ? windowMs : Math.min(windowMs, RESULT_REPLAY_WAIT_MS);
            if (error.waitingFor === 'result' && attempt > 0) attempt = MAX_RESENDS - 1;
            continue;
          }
          if (error instanceof DeviceTimeoutError) this.localFault.next(error.message);
          settleAck.reject(error as Error);
          await journal?.onResult(command.cmdId, error as Error);
          progress$.complete();
          throw error;
        }
      }
    };
    const result = follow();
    result.catch(() => undefined);
    return { cmdId: first.cmdId, accepted, progress$: progress$.asObservable(), result };
  }

  /**
   * Resolve once the instrument is online and not in fault or e-stop; reject with
   * InstrumentUnavailableError after `timeoutMs`. Lets a campaign ride out a short disconnect.
   */
  async whenAvailable(timeoutMs: number): Promise<void> {
    const usable = (v: InstrumentView): boolean => v.online && !UNAVAILABLE.has(v.state);
    if (usable(this.latest)) return;
    try {
      await firstValueFrom(this.view$.pipe(filter(usable), timeout(timeoutMs)));
    } catch {
      const view = this.latest;
      throw new InstrumentUnavailableError(this.id, view.state, `${view.reasons.join(', ') || 'no status'} for ${timeoutMs} ms`);
    }
  }

  /**
   * Resolve once automation may use the instrument: nobody holds its lease and it reports no open
   * problem (tip changed, drift). No timeout: a technician decides when that is.
   */
  async whenAutomatable(): Promise<void> {
    await firstValueFrom(this.view$.pipe(filter((v) => v.leasedBy === null && v.problems.length === 0)));
  }

  /** Send and wait for the terminal result. */
  async execute(action: string, params: unknown, options: SendOptions): Promise<CommandResult> {
    return (await this.send(action, params, options)).result;
  }

  /** Clear a fault this side raised (a timeout) and ask the instrument to reset its own latch. */
  async reset(reason: string, issuedBy: string): Promise<CommandResult> {
    this.localFault.next(undefined);
    return this.execute('reset', { reason }, { issuedBy });
  }

  private assertAvailable(): void {
    const view = this.latest;
    if (UNAVAILABLE.has(view.state)) {
      throw new InstrumentUnavailableError(this.id, view.state, view.reasons.join(', ') || 'not accepting commands');
    }
  }

  private toView(status: StatusMsg, fault: string | undefined, leasedBy: string | null): InstrumentView {
    const faulted = fault !== undefined && status.state !== 'estopped';
    return {
      id: this.id,
      kind: this.kind,
      online: status.online,
      state: faulted ? 'fault' : status.state,
      ready: status.ready && !faulted,
      reasons: faulted ? [...status.reasons, `fault: ${fault}`] : status.reasons,
      problems: status.problems ?? [],
      telemetry: status.telemetry ?? {},
      leasedBy,
    };
  }
}
