import { crc16CcittFalse } from './crc16';

/** The serial dialect's framing (docs/protocol.md): `<body>*<crc>\r\n`, crc as four upper-case hex digits. */
export function frameLine(body: string): string {
  const crc = crc16CcittFalse(Buffer.from(body, 'utf8')).toString(16).toUpperCase().padStart(4, '0');
  return `${body}*${crc}\r\n`;
}

/** A received line (without its line ending): the body, or why it is unreadable. */
export function unframeLine(line: string): { body: string } | { error: string } {
  const star = line.lastIndexOf('*'); // the body itself may contain '*' (e.g. `*IDN?`)
  if (star < 0 || line.length - star !== 5) return { error: 'no checksum' };
  const body = line.slice(0, star);
  const crc = line.slice(star + 1);
  if (!/^[0-9A-F]{4}$/.test(crc)) return { error: 'malformed checksum' };
  if (parseInt(crc, 16) !== crc16CcittFalse(Buffer.from(body, 'utf8'))) return { error: 'bad crc' };
  return { body };
}

/** Splits a byte stream into lines; a line that never ends is dropped once it grows past the limit. */
export class LineSplitter {
  private pending = '';

  constructor(private readonly maxLineChars = 64 * 1024 * 1024) {}

  push(chunk: Buffer): string[] {
    this.pending += chunk.toString('latin1');
    const parts = this.pending.split('\n');
    this.pending = parts.pop() ?? '';
    if (this.pending.length > this.maxLineChars) this.pending = '';
    // latin1 keeps bytes intact while splitting; decode each complete line as UTF-8.
    return parts.map((p) => Buffer.from(p.endsWith('\r') ? p.slice(0, -1) : p, 'latin1').toString('utf8')).filter((l) => l.length > 0);
  }
}
