import { ConfigError, parseCampaign } from '@lab/config';
import { decodeAck, decodeDataFrame, decodeLine, decodeProgress, decodeResult, decodeStatus, encodeDataFrame, encodeLine, ProtocolError } from '@lab/drivers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { controlSchema } from '../../apps/orchestrator/src/control/control.schema';
import { campaignText } from '../support/lab';

/**
 * Property-based fuzzing of everything that reads outside input: random and mutated bytes must
 * give a result or a typed error naming the problem, never a crash or a hang.
 * FUZZ_RUNS sets the number of cases per decoder (10,000 in CI; docs/reliability.md has a longer run).
 */
const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
const options = { numRuns: runs, seed: Number(process.env.FUZZ_SEED ?? 42) };

/** Inputs that are JSON-ish: random objects with the protocol's field names mixed in. */
const jsonish = fc.oneof(
  fc.string(),
  fc.json(),
  fc.record({ v: fc.anything(), cmdId: fc.anything(), accepted: fc.anything(), status: fc.anything(), fraction: fc.anything(), state: fc.anything(), reasons: fc.anything(), online: fc.anything(), instrumentId: fc.anything(), dataIds: fc.anything() }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
);

const onlyProtocolErrors = (decode: (text: string) => unknown) => (text: string) => {
  try {
    decode(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message.length).toBeGreaterThan(5);
  }
};

describe('fuzzing the decoders', () => {
  it.each([
    ['ack', decodeAck],
    ['progress', decodeProgress],
    ['result', decodeResult],
    ['status', decodeStatus],
  ])('the %s decoder answers any text with a message or a ProtocolError', (_, decode) => {
    fc.assert(fc.property(jsonish, onlyProtocolErrors(decode)), options);
  });

  it('the data-frame decoder answers any bytes, and mutations of valid frames, with a frame or a ProtocolError', () => {
    const valid = fc.record({ rows: fc.integer({ min: 1, max: 8 }), cols: fc.integer({ min: 1, max: 8 }) }).map(({ rows, cols }) =>
      encodeDataFrame({ header: { v: 1, cmdId: 'c', dataId: 'd', kind: 'image', dtype: 'float32', shape: [rows, cols] }, values: new Float32Array(rows * cols) }),
    );
    const mutated = fc.tuple(valid, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([bytes, at, value]) => {
      const copy = Buffer.from(bytes);
      copy[at % copy.length] = value;
      return copy;
    });
    const truncated = fc.tuple(valid, fc.nat()).map(([bytes, cut]) => bytes.subarray(0, cut % bytes.length));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated, truncated), (bytes) => {
        try {
          const frame = decodeDataFrame(bytes);
          expect(frame.values.length).toBe(frame.header.shape[0] * frame.header.shape[1]);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      options,
    );
  });

  it('the serial line decoder reads back what it encodes and rejects any corruption', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }).filter((s) => !/[\r\n*]/.test(s)), fc.nat(), (body, flip) => {
        const line = encodeLine(body).toString('utf8').replace(/\r\n$/, '');
        expect(decodeLine(line)).toMatchObject({ ok: true });
        const at = flip % line.length;
        const corrupted = line.slice(0, at) + String.fromCharCode(line.charCodeAt(at) ^ 1) + line.slice(at + 1);
        const decoded = decodeLine(corrupted);
        if (decoded.ok) expect(corrupted).toBe(line);
      }),
      options,
    );
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => void decodeLine(text)), options);
  });

  it('the campaign loader answers any edit of a valid file with a config or located ConfigErrors', () => {
    const demo = campaignText('config/campaigns/demo.yaml');
    const lines = demo.split('\n');
    const edit = fc.tuple(fc.nat(), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('  - ', ': ', '{', '[', '"', '${', '- id: x', 'lower: 5', 'upper: -1', '\t'))).map(([at, text]) => {
      const copy = [...lines];
      copy[at % copy.length] = text;
      return copy.join('\n');
    });
    fc.assert(
      fc.property(fc.oneof(edit, fc.string({ maxLength: 200 })), (text) => {
        try {
          parseCampaign('fuzz.yaml', text);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          for (const issue of (error as ConfigError).issues) {
            expect(issue.line).toBeGreaterThanOrEqual(1);
            expect(issue.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { ...options, numRuns: Math.ceil(runs / 5) },
    );
  });

  it('the override schema (websocket and REST input) accepts or names the problem, for any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ type: fc.constantFrom(...controlSchema.options.map((o) => o.shape.type.value)), campaignId: fc.anything(), reason: fc.anything(), params: fc.anything() }, { requiredKeys: ['type'] })), (input) => {
        const parsed = controlSchema.safeParse(input);
        if (!parsed.success) expect(parsed.error.issues.length).toBeGreaterThan(0);
      }),
      options,
    );
  });
});
