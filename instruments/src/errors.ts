/** A command parameter outside the safety envelope: rejected before it leaves, never clamped. */
export class LimitViolationError extends Error {
  override readonly name = 'LimitViolationError';
  constructor(
    readonly instrumentId: string,
    readonly field: string,
    readonly value: number,
    readonly limit: { min?: number; max?: number },
  ) {
    super(`${instrumentId}: ${field} = ${value} is outside [${limit.min ?? '-inf'}, ${limit.max ?? '+inf'}]`);
  }
}

/** Parameters that do not fit the action (missing, wrong type) or an action the instrument lacks. */
export class InvalidCommandError extends Error {
  override readonly name = 'InvalidCommandError';
  constructor(
    readonly instrumentId: string,
    readonly action: string,
    detail: string,
  ) {
    super(`${instrumentId}.${action}: ${detail}`);
  }
}

/** The instrument cannot take commands now (fault, e-stop, offline, held by someone else). */
export class InstrumentUnavailableError extends Error {
  override readonly name = 'InstrumentUnavailableError';
  constructor(
    readonly instrumentId: string,
    readonly state: string,
    detail: string,
  ) {
    super(`${instrumentId} is ${state}: ${detail}`);
  }
}
