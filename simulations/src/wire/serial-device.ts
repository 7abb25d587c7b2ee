import type { DeviceWire, WireHandlers } from './device-wire';
import type { Outgoing } from './messages';

export interface SerialDeviceOptions {
  instrumentId: string;
  kind: string;
  path: string;
  baudRate: number;
}

/** Placeholder until the serial dialect lands. */
export class SerialDevice implements DeviceWire {
  unreadable = 0;
  constructor(private readonly options: SerialDeviceOptions) {}
  async start(_handlers: WireHandlers): Promise<void> {
    throw new Error(`serial twins are not implemented yet (${this.options.path})`);
  }
  async send(_out: Outgoing): Promise<void> {}
  async sendGarbage(): Promise<void> {}
  disconnectFor(_ms: number): void {}
  async close(): Promise<void> {}
}
