import { z } from 'zod';
import type { DeviceWire } from '../wire/device-wire';
import type { DeviceState, JsonObject, Outcome, Outgoing, Rejection, StatusMsg } from '../wire/messages';
import { hashOf, Rng } from '../world/random';
import type { World } from '../world/world';
import { ActionFailure, type AnyAction, reject } from './action';
import { controlActions } from './control.actions';
import { type Execution, ExecutionBook, outcomeOf, type StopReason } from './executions';
import { type FaultPatch, type FaultSettings, NO_FAULTS } from './faults';
import type { Ledger, LedgerEntry } from './ledger';
import { frameFor, RunContext, type RunHost } from './run-context';
import { checkEnvelope, type CommandMsg, type Envelope, parseCommand, zodRejection } from './validation';

/** Everything a twin is built from. */
export interface TwinOptions {
  id: string;
  world: World;
  /** Wall-clock seconds per nominal instrument second. */
  timeScale: number;
  heartbeatS: number;
  envelope: Envelope;
  ledger: Ledger;
  wire: DeviceWire;
  /** Other twins of the lab, for the robot's handover. */
  peers: (id: string) => Twin | undefined;
}

/**
 * The device side of docs/protocol.md, common to every instrument: acks, idempotency, one command
 * at a time, control actions, the estop latch, status with heartbeat, fault injection. Subclasses
 * add their actions, safe state and telemetry.
 */
export abstract class Twin {
  abstract readonly kind: 'synthesis-robot' | 'spm' | 'stem';
  /** One word: it is a field of the serial IDN line. */
  abstract readonly model: string;
  readonly firmware = 'twin-1';
  readonly instrumentId: string;
  readonly world: World;
  readonly timeScale: number;

  private actionTable?: Record<string, AnyAction>;
  private running?: Execution;
  private readonly book: ExecutionBook;
  private latchReason?: string;
  private faultMessage?: string;
  private readonly openProblems = new Set<string>();
  private faultKnobs: FaultSettings = { ...NO_FAULTS };
  private readonly faultRng: Rng;
  private seq = 0;
  private heartbeat?: NodeJS.Timeout;
  private stopped = false;
  private unreadableCommands = 0;
  /** Releases for commands held by the `stuck` fault. */
  private readonly stuckCommands = new Set<() => void>();

  constructor(protected readonly options: TwinOptions) {
    this.instrumentId = options.id;
    this.world = options.world;
    this.timeScale = options.timeScale;
    this.faultRng = new Rng(hashOf('faults', options.world.seed, options.id));
    this.book = new ExecutionBook(options.id, options.ledger);
    options.world.onMove((instrumentId) => instrumentId === this.instrumentId && this.publishStatus());
  }

  /** The instrument's own actions (control actions are added by the base class). */
  protected abstract kindActions(): Record<string, AnyAction>;
  /** Go to the safe state at once (estop). */
  protected abstract enterSafeState(): void;
  protected abstract telemetry(): JsonObject;
  /** Why a measurement would be refused now, beyond state and problems (e.g. `no_sample`). */
  protected readinessReasons(): string[] {
    return [];
  }

  async start(): Promise<void> {
    await this.options.wire.start({
      command: (raw) => this.receive(raw),
      connected: () => this.publishStatus(),
      identify: () => `${this.instrumentId} ${this.kind} ${this.model} ${this.firmware}`,
    });
    this.heartbeat = setInterval(() => this.publishStatus(), this.options.heartbeatS * 1000);
    this.heartbeat.unref();
  }

  /** Stop the running command, publish the offline status, release the transport. */
  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    this.stopRunning({ status: 'cancelled', code: 'shutdown', message: 'the instrument is shutting down' });
    this.stopped = true;
    await this.options.wire.close();
  }

  get state(): DeviceState {
    if (this.latchReason !== undefined) return 'estopped';
    if (this.faultMessage !== undefined) return 'fault';
    return this.running ? 'busy' : 'idle';
  }

  get estopped(): boolean {
    return this.latchReason !== undefined;
  }

  get problems(): string[] {
    return [...this.openProblems];
  }

  get faults(): FaultSettings {
    return { ...this.faultKnobs };
  }

  /** Commands (and other messages) this twin could not read. */
  get unreadable(): number {
    return this.unreadableCommands + this.options.wire.unreadable;
  }

  /** Turn fault knobs, or fire one-shot faults (see FaultPatch). */
  setFaults(patch: FaultPatch): void {
    const { disconnectForMs, garbageNow, instrumentFault, ...knobs } = patch;
    this.faultKnobs = { ...this.faultKnobs, ...knobs };
    if (!this.faultKnobs.stuck) {
      for (const release of this.stuckCommands) release();
      this.stuckCommands.clear();
    }
    if (instrumentFault !== undefined) {
      this.faultMessage = instrumentFault;
      this.stopRunning({ status: 'failed', code: 'fault', message: instrumentFault });
      this.publishStatus();
    }
    for (let i = 0; i < (garbageNow ?? 0); i++) void this.options.wire.sendGarbage();
    if (disconnectForMs !== undefined) this.options.wire.disconnectFor(disconnectForMs);
  }

  /** Commands this twin executed. */
  ledger(): LedgerEntry[] {
    return this.options.ledger.list(this.instrumentId);
  }

  /** Every outgoing message passes here, where the fault knobs act. */
  private async send(out: Outgoing): Promise<void> {
    if (this.stopped) return;
    const knobs = this.faultKnobs;
    if (out.type !== 'status' && knobs.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, knobs.latencyMs));
    if (out.type === 'ack' && this.drop('dropAcksNext', knobs.dropAckProbability)) return;
    if (out.type === 'result' && this.drop('dropResultsNext', knobs.dropResultProbability)) return;
    if (knobs.garbageProbability > 0 && this.faultRng.next() < knobs.garbageProbability) await this.options.wire.sendGarbage();
    await this.options.wire.send(out);
  }

  protected publishStatus(): void {
    if (!this.stopped) void this.options.wire.send({ type: 'status', msg: this.status() });
  }

  protected raiseProblem(problem: string): void {
    this.openProblems.add(problem);
    this.publishStatus();
  }

  /** End the running command from outside (estop, halt, cancel, fault). */
  protected stopRunning(reason: StopReason): boolean {
    const execution = this.running;
    if (!execution || execution.stop) return false;
    execution.stop = reason;
    execution.abort.abort(new ActionFailure(reason.code, reason.message));
    return true;
  }

  private get actions(): Record<string, AnyAction> {
    this.actionTable ??= {
      ...controlActions({
        describe: () => this.describe(),
        cancel: (target) => this.cancel(target),
        estop: (reason) => this.estop(reason),
        reset: () => this.reset(),
        clearProblem: (problem) => {
          this.openProblems.delete(problem);
          this.publishStatus();
        },
        query: (cmdIds) => this.book.query(cmdIds),
      }),
      ...this.kindActions(),
    };
    return this.actionTable;
  }

  private status(): StatusMsg {
    const state = this.state;
    const reasons = [...(state === 'idle' ? [] : [state]), ...this.readinessReasons(), ...this.problems.map((p) => `problem:${p}`)];
    return {
      v: 1,
      instrumentId: this.instrumentId,
      kind: this.kind,
      online: true,
      seq: ++this.seq,
      tsMs: Date.now(),
      state,
      ready: reasons.length === 0,
      reasons,
      problems: this.problems,
      activeCmdId: this.running?.cmdId ?? null,
      telemetry: this.telemetry(),
    };
  }

  private receive(raw: unknown): void {
    const cmdId = typeof raw === 'object' && raw !== null && 'cmdId' in raw ? raw.cmdId : undefined;
    if (typeof cmdId !== 'string' || cmdId === '') {
      this.unreadableCommands++; // nothing to answer to without a cmdId
      return;
    }
    const parsed = parseCommand(raw);
    if ('rejection' in parsed) return void this.send({ type: 'ack', msg: { v: 1, cmdId, accepted: false, reason: parsed.rejection } });
    const command = parsed.command;
    const prior = this.book.priorOf(command);
    if (prior) return void this.replay(prior, command.cmdId);
    const action = this.actions[command.action];
    const verdict = action ? this.admit(command, action) : { rejection: reject('unsupported', `unknown action '${command.action}'`, 'action') };
    if ('rejection' in verdict) return void this.send({ type: 'ack', msg: { v: 1, cmdId, accepted: false, reason: verdict.rejection } });
    // Registered before any await: a second command arriving meanwhile sees `busy` or its duplicate.
    const execution = this.book.begin(command);
    if (action.exclusive) this.running = execution;
    void this.execute(execution, command, action, verdict.params);
  }

  /** Acceptance checks, in order: deadline, params, envelope, latch and fault, busy, measurement preconditions, action checks. */
  private admit(command: CommandMsg, action: AnyAction): { params: never } | { rejection: Rejection } {
    if (action.exclusive && command.deadlineMs <= Date.now()) {
      return { rejection: reject('validation', `deadline ${command.deadlineMs} has already passed`, 'deadlineMs') };
    }
    const parsed = action.params.safeParse(command.params);
    if (!parsed.success) return { rejection: zodRejection(parsed.error) };
    const params = parsed.data;
    const outOfEnvelope = checkEnvelope(this.options.envelope, command.params, action.derived?.(params) ?? []);
    if (outOfEnvelope) return { rejection: outOfEnvelope };
    if (action.exclusive) {
      if (this.latchReason !== undefined) return { rejection: reject('estopped', `emergency stop latched: ${this.latchReason}; reset with a reason`) };
      if (this.faultMessage !== undefined) return { rejection: reject('interlock', `instrument in fault: ${this.faultMessage}; reset required`) };
      if (this.running) return { rejection: reject('busy', `running ${this.running.cmdId}`) };
      if (action.measurement) {
        const reason = [...this.readinessReasons(), ...this.problems.map((p) => `problem:${p}`)][0];
        if (reason) return { rejection: reject('interlock', `not ready: ${reason}`) };
      }
    }
    const refused = action.check?.(params);
    return refused ? { rejection: refused } : { params };
  }

  private async execute(execution: Execution, command: CommandMsg, action: AnyAction, params: never): Promise<void> {
    await this.send({ type: 'ack', msg: { v: 1, cmdId: command.cmdId, accepted: true } });
    if (action.exclusive) this.publishStatus();
    const host: RunHost = { instrumentId: this.instrumentId, world: this.world, timeScale: this.timeScale, send: (out) => this.send(out) };
    const ctx = new RunContext(host, command.cmdId, command.action, command.params, execution.abort.signal);
    let outcome: Outcome;
    try {
      ctx.throwIfStopped();
      if (action.exclusive && this.faultKnobs.stuck) await this.holdWhileStuck(ctx.signal);
      const outputs = await action.run(ctx, params);
      ctx.throwIfStopped();
      outcome = { status: 'succeeded', ...(outputs ? { outputs } : {}), ...(ctx.dataIds.length ? { dataIds: ctx.dataIds } : {}), finishedAtMs: Date.now() };
      execution.frames = ctx.frames;
    } catch (error) {
      outcome = outcomeOf(error, execution.stop);
    }
    if (this.running === execution) this.running = undefined;
    this.book.finish(execution, outcome);
    // Status first: whoever acts on the result already sees the state the command left behind.
    if (action.exclusive) this.publishStatus();
    await this.send({ type: 'result', msg: { v: 1, cmdId: command.cmdId, ...outcome } });
  }

  /** A repeated idempotency key: never run again; answer with the first command's result under the new cmdId. */
  private async replay(execution: Execution, cmdId: string): Promise<void> {
    this.book.alias(cmdId, execution);
    await this.send({ type: 'ack', msg: { v: 1, cmdId, accepted: true, duplicate: true } });
    const outcome = await execution.done;
    for (const frame of execution.frames) await this.send({ type: 'data', frame: frameFor(frame, cmdId) });
    await this.send({ type: 'result', msg: { v: 1, cmdId, ...outcome } });
  }

  /**
   * The `stuck` fault: an accepted command goes silent (no progress, no result) until it is stopped
   * (cancel, estop, fault) or the knob is turned off, when it runs on as if nothing happened.
   */
  private holdWhileStuck(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const release = (): void => {
        signal.removeEventListener('abort', stopped);
        resolve();
      };
      const stopped = (): void => {
        this.stuckCommands.delete(release);
        reject(signal.reason);
      };
      this.stuckCommands.add(release);
      signal.addEventListener('abort', stopped, { once: true });
    });
  }

  private drop(counter: 'dropAcksNext' | 'dropResultsNext', probability: number): boolean {
    if (this.faultKnobs[counter] > 0) {
      this.faultKnobs[counter]--;
      return true;
    }
    return probability > 0 && this.faultRng.next() < probability;
  }

  private describe(): JsonObject {
    return {
      kind: this.kind,
      model: this.model,
      firmware: this.firmware,
      actions: Object.entries(this.actions).map(([name, action]) => ({
        name,
        params: action.params instanceof z.ZodObject ? Object.keys(action.params.shape) : [],
      })),
      envelope: this.options.envelope,
    };
  }

  private cancel(targetCmdId: string): boolean {
    const target = this.book.get(targetCmdId);
    if (!target || target !== this.running) return false;
    return this.stopRunning({ status: 'cancelled', code: 'cancelled', message: `cancelled by request` });
  }

  private estop(reason: string): void {
    this.latchReason = reason;
    this.stopRunning({ status: 'cancelled', code: 'estop', message: `emergency stop: ${reason}` });
    this.enterSafeState();
    this.publishStatus();
  }

  /** The reason itself is on record in the ledger, with the reset command. */
  private reset(): void {
    this.latchReason = undefined;
    this.faultMessage = undefined;
    this.publishStatus();
  }
}
