import type { Outgoing } from './messages';

/** What a transport hands to its twin. */
export interface WireHandlers {
  /** A command body parsed from JSON, not yet validated. */
  command(raw: unknown): void;
  /** The connection is (re)established: publish the status now. */
  connected(): void;
  /** `<instrumentId> <kind> <model> <firmware>`, the answer to the serial `*IDN?`. */
  identify(): string;
}

/** The device end of one transport (MQTT topics or a serial line), the same for every twin. */
export interface DeviceWire {
  start(handlers: WireHandlers): Promise<void>;
  /** Resolves once the message is handed over (MQTT: acknowledged by the broker at QoS 1, at once at QoS 0); never rejects. */
  send(out: Outgoing): Promise<void>;
  /** Send one malformed message (bad JSON on MQTT, bad CRC on serial). */
  sendGarbage(): Promise<void>;
  /** Drop the connection abruptly (no clean goodbye) and come back after `ms`. */
  disconnectFor(ms: number): void;
  /** Publish the offline status and release the connection. */
  close(): Promise<void>;
  /** Incoming messages that could not be read. */
  readonly unreadable: number;
}
