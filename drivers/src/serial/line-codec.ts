import { crc16 } from './crc16';

const CHECKSUM = /^(.*)\*([0-9A-F]{4})$/s;

/** `<body>*<CRC>\r\n` as docs/protocol.md frames every serial line. */
export function encodeLine(body: string): Buffer {
  const checksum = crc16(Buffer.from(body, 'utf8')).toString(16).toUpperCase().padStart(4, '0');
  return Buffer.from(`${body}*${checksum}\r\n`, 'utf8');
}

/** A line as received (line ending removed): its keyword and the rest, or why it cannot be read. */
export type DecodedLine = { ok: true; keyword: string; rest: string } | { ok: false; reason: string };

export function decodeLine(line: string): DecodedLine {
  const match = CHECKSUM.exec(line);
  if (!match) return { ok: false, reason: 'no checksum' };
  const [, body, checksum] = match;
  if (crc16(Buffer.from(body, 'utf8')) !== parseInt(checksum, 16)) return { ok: false, reason: 'bad crc' };
  const space = body.indexOf(' ');
  return space < 0 ? { ok: true, keyword: body, rest: '' } : { ok: true, keyword: body.slice(0, space), rest: body.slice(space + 1) };
}

/** Reassembles lines from chunks of bytes; bytes are kept intact until a whole line is there. */
export class LineBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** Complete lines (without CR LF) in this chunk and before it. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline >= 0; newline = chunk.indexOf(0x0a, start)) {
      const line = Buffer.concat([...this.chunks, chunk.subarray(start, newline)]);
      this.chunks = [];
      this.size = 0;
      const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
      if (end > 0) lines.push(line.toString('utf8', 0, end));
      start = newline + 1;
    }
    if (start < chunk.length) {
      this.chunks.push(chunk.subarray(start));
      this.size += chunk.length - start;
      // A line without an end that keeps growing is noise: drop it rather than the process.
      if (this.size > this.maxBytes) {
        this.chunks = [];
        this.size = 0;
      }
    }
    return lines;
  }
}
