import { SerialPort } from 'serialport';
import type { DeviceWire, WireHandlers } from './device-wire';
import { offlineStatus, type Outgoing } from './messages';
import { frameLine, LineSplitter, unframeLine } from './serial-lines';

export interface SerialDeviceOptions {
  instrumentId: string;
  path: string;
  baudRate: number;
}

const KEYWORD: Record<Outgoing['type'], string> = { ack: 'ACK', progress: 'PROG', result: 'RES', status: 'STAT', data: 'DATA' };
const REOPEN_EVERY_MS = 200;

/**
 * One instrument on a serial line (docs/protocol.md, "Serial dialect"). It reopens its port when
 * the line goes away; a simulated disconnect mutes the line both ways, which is what a pulled
 * cable looks like from the host.
 */
export class SerialDevice implements DeviceWire {
  private port?: SerialPort;
  private handlers?: WireHandlers;
  private splitter = new LineSplitter();
  private mutedUntilMs = 0;
  private reopenTimer?: NodeJS.Timeout;
  private closed = false;
  private garbageSent = 0;
  unreadable = 0;

  constructor(private readonly options: SerialDeviceOptions) {}

  async start(handlers: WireHandlers): Promise<void> {
    this.handlers = handlers;
    await this.open();
  }

  async send(out: Outgoing): Promise<void> {
    const body = out.type === 'data' ? out.frame.toString('base64') : JSON.stringify(out.msg);
    await this.write(frameLine(`${KEYWORD[out.type]} ${body}`));
  }

  async sendGarbage(): Promise<void> {
    const garbage = ['RES {"v":1,"cmdId":"x"}*0000\r\n', 'ACK {"v":1,*12\r\n', '\u0000\u00ff\u0013noise\r\n'];
    await this.write(garbage[this.garbageSent++ % garbage.length]);
  }

  disconnectFor(ms: number): void {
    this.mutedUntilMs = Date.now() + ms;
    setTimeout(() => !this.closed && this.handlers?.connected(), ms + 1).unref();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.send({ type: 'status', msg: offlineStatus(this.options.instrumentId) });
    this.closed = true;
    clearTimeout(this.reopenTimer);
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.drain(() => port.close(() => resolve())));
  }

  private async open(): Promise<void> {
    const port = new SerialPort({ path: this.options.path, baudRate: this.options.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    this.splitter = new LineSplitter();
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    port.on('error', () => undefined); // a vanished line shows up as 'close' next
    port.on('close', () => {
      if (this.port !== port) return;
      this.port = undefined;
      this.scheduleReopen();
    });
    this.port = port;
    this.handlers?.connected();
  }

  private scheduleReopen(): void {
    if (this.closed) return;
    this.reopenTimer = setTimeout(() => this.open().catch(() => this.scheduleReopen()), REOPEN_EVERY_MS);
    this.reopenTimer.unref();
  }

  private onData(chunk: Buffer): void {
    if (Date.now() < this.mutedUntilMs) return;
    for (const line of this.splitter.push(chunk)) this.onLine(line);
  }

  private onLine(line: string): void {
    const unframed = unframeLine(line);
    if ('error' in unframed) return this.nak(unframed.error);
    const { body } = unframed;
    if (body === '*IDN?') return void this.write(frameLine(`IDN ${this.handlers?.identify() ?? this.options.instrumentId}`));
    if (body.startsWith('NAK')) return; // the host could not read one of our lines; nothing to redo
    if (!body.startsWith('CMD ')) return this.nak('unknown keyword');
    let command: unknown;
    try {
      command = JSON.parse(body.slice(4));
    } catch {
      return this.nak('bad json');
    }
    this.handlers?.command(command);
  }

  private nak(reason: string): void {
    this.unreadable++;
    void this.write(frameLine(`NAK ${reason}`));
  }

  private write(text: string): Promise<void> {
    const port = this.port;
    if (!port?.isOpen || Date.now() < this.mutedUntilMs) return Promise.resolve();
    return new Promise((resolve) => port.write(text, 'utf8', () => resolve()));
  }
}
