/**
 * Fault injection: knobs a test (or `lab sim`) turns at runtime to see how the orchestrator copes.
 * Probabilities are drawn from a per-twin stream: faults need not be reproducible like measurements.
 */
export interface FaultSettings {
  /** Extra delay before every ack, progress, data and result message. */
  latencyMs: number;
  /** Chance that an ack is not sent (the command still runs). */
  dropAckProbability: number;
  /** Drop the next N acks. */
  dropAcksNext: number;
  /** Chance that a result is not sent (the command still completes; `query` knows its fate). */
  dropResultProbability: number;
  /** Drop the next N results. */
  dropResultsNext: number;
  /** Chance that a malformed message (bad JSON, bad CRC) precedes each message. */
  garbageProbability: number;
  /**
   * Exclusive commands go silent after their ack: no progress, no result, until cancelled, estopped
   * or faulted; turning the knob off lets the held commands run on and finish normally.
   */
  stuck: boolean;
}

/** Knobs plus one-shot triggers. */
export interface FaultPatch extends Partial<FaultSettings> {
  /** Drop the connection now without a clean disconnect (MQTT: the last-will fires), reconnect after this long. */
  disconnectForMs?: number;
  /** Send this many malformed messages now. */
  garbageNow?: number;
  /** Put the instrument in `fault` with this message: a running command fails with code `fault`; `reset` clears it. */
  instrumentFault?: string;
}

export const NO_FAULTS: FaultSettings = {
  latencyMs: 0,
  dropAckProbability: 0,
  dropAcksNext: 0,
  dropResultProbability: 0,
  dropResultsNext: 0,
  garbageProbability: 0,
  stuck: false,
};
