import type { RejectCode } from './messages';

/** The instrument refused the command (ack with accepted: false). */
export class CommandRejectedError extends Error {
  override readonly name = 'CommandRejectedError';
  constructor(
    readonly cmdId: string,
    readonly code: RejectCode,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(`command ${cmdId} rejected (${code}): ${detail}`);
  }
}

/** No ack or no result before the deadline: the instrument went silent. */
export class DeviceTimeoutError extends Error {
  override readonly name = 'DeviceTimeoutError';
  constructor(
    readonly cmdId: string,
    readonly waitingFor: 'ack' | 'result',
    readonly waitedMs: number,
  ) {
    super(`command ${cmdId}: no ${waitingFor} within ${waitedMs} ms`);
  }
}

/** A message that does not follow docs/protocol.md. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** The link closed while the command was in flight. */
export class LinkClosedError extends Error {
  override readonly name = 'LinkClosedError';
}
