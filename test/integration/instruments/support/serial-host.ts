import { waitFor } from '@lab/simulations';
import { SerialPort } from 'serialport';
import { decodeLine, encodeLine, LineBuffer } from '../../../../drivers/src/serial/line-codec';

/** One line the device sent: its keyword and the rest, or `unreadable` when its checksum fails. */
export type HeardLine = { keyword: string; rest: string } | { keyword: 'unreadable'; rest: string };

/**
 * A bare host on the other end of a serial twin's line: writes raw bytes or framed bodies and keeps
 * every line heard, so a test can check the dialect itself rather than what SerialLink makes of it.
 */
export class SerialHost {
  readonly heard: HeardLine[] = [];
  private readonly lines = new LineBuffer();

  private constructor(private readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => {
      for (const line of this.lines.push(chunk)) {
        const decoded = decodeLine(line);
        this.heard.push(decoded.ok ? { keyword: decoded.keyword, rest: decoded.rest } : { keyword: 'unreadable', rest: line });
      }
    });
  }

  static async open(path: string): Promise<SerialHost> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    return new SerialHost(port);
  }

  /** Frame `body` (CRC, CR LF) and write it. */
  send(body: string): Promise<void> {
    return this.write(encodeLine(body));
  }

  write(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) => this.port.write(bytes, (error) => (error ? reject(error) : this.port.drain(() => resolve()))));
  }

  /** The first line heard from `from` on (an index into `heard`) that matches, once it arrives. */
  next(match: (line: HeardLine) => boolean, from = 0): Promise<HeardLine> {
    return waitFor(() => this.heard.slice(from).find(match), 5000, `a matching line from the device (after line ${from})`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}
