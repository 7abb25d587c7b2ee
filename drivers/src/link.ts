import type { Observable } from 'rxjs';
import type { Ack, Command, DataFrame, Progress, ResultMsg, StatusMsg } from './messages';

/** A terminal result with the data frames it references. */
export interface CommandResult extends ResultMsg {
  data: DataFrame[];
}

/**
 * One command in flight. Accepted is not done: `accepted` settles on the ack, `result` on the
 * terminal message. A rejection rejects both with a `CommandRejectedError`; a missed deadline
 * rejects `result` with a `DeviceTimeoutError`.
 */
export interface CommandHandle {
  readonly cmdId: string;
  readonly accepted: Promise<Ack>;
  readonly progress$: Observable<Progress>;
  readonly result: Promise<CommandResult>;
}

export type LinkState = 'connecting' | 'connected' | 'disconnected' | 'closed';

/** The orchestrator's end of one instrument's connection. Knows frames and topics, never devices. */
export interface InstrumentLink {
  readonly instrumentId: string;
  send(command: Command): CommandHandle;
  /** Latest status first (replayed to late subscribers), then every change. */
  readonly status$: Observable<StatusMsg>;
  readonly state$: Observable<LinkState>;
  close(): Promise<void>;
}
