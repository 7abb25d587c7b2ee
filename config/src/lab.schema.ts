import { z } from 'zod';

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be lower-case letters, digits and dashes, starting with a letter');

/** Inclusive limits on one command parameter; a command outside them is rejected, never clamped. */
export const limitSchema = z
  .object({ min: z.number().optional(), max: z.number().optional() })
  .strict()
  .refine((l) => l.min === undefined || l.max === undefined || l.min <= l.max, 'min must not exceed max');

export const envelopeSchema = z.record(z.string(), limitSchema);

const transportSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('mqtt') }).strict(),
  z
    .object({
      type: z.literal('serial'),
      path: z.string().min(1).describe('device path, e.g. /dev/ttyUSB0'),
      baudRate: z.number().int().positive().default(115200),
    })
    .strict(),
]);

export const instrumentSchema = z
  .object({
    id: identifier,
    kind: z.enum(['synthesis-robot', 'spm', 'stem']),
    transport: transportSchema.default({ type: 'mqtt' }),
    envelope: envelopeSchema.default({}).describe('safety limits checked before any command leaves'),
    heartbeatS: z.number().positive().default(2),
  })
  .strict();

export const roleSchema = z.enum(['viewer', 'technician', 'pi', 'admin']);

const userSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9._-]{0,31}$/, 'lower-case letters, digits, . _ -'),
    role: roleSchema,
    passwordHash: z.string().startsWith('scrypt:', 'make one with `lab passwd <name>`'),
  })
  .strict();

export const labSchema = z
  .object({
    name: z.string().min(1),
    auth: z
      .object({
        users: z.array(userSchema).default([]).describe('no users: a one-time admin login link is printed at start'),
        tokenTtlH: z.number().positive().default(12),
        loginAttemptsPerMinute: z.number().int().positive().default(5),
      })
      .strict()
      .default({ users: [], tokenTtlH: 12, loginAttemptsPerMinute: 5 }),
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(3000),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 3000 }),
    broker: z
      .object({
        url: z.string().optional().describe('external broker, e.g. mqtt://127.0.0.1:1883; absent: an embedded broker is started'),
        embeddedPort: z.number().int().min(0).max(65535).default(1884),
        clientId: z.string().optional(),
        username: z.string().optional(),
        password: z.string().optional(),
        tls: z
          .object({ caFile: z.string().optional(), certFile: z.string().optional(), keyFile: z.string().optional() })
          .strict()
          .optional(),
      })
      .strict()
      .default({ embeddedPort: 1884 }),
    database: z
      .object({
        url: z.string().default('sqlite:data/lab.sqlite').describe('sqlite:<path> or postgres://user@host:port/db'),
      })
      .strict()
      .default({ url: 'sqlite:data/lab.sqlite' }),
    dataDir: z.string().default('data'),
    simulation: z
      .object({
        enabled: z.boolean().default(true),
        seed: z.number().int().nonnegative().default(1),
        timeScale: z.number().positive().max(1).default(0.001).describe('1 = real instrument durations'),
        world: z.record(z.string(), z.unknown()).default({}).describe('hidden physics of the digital twins'),
      })
      .strict()
      .default({ enabled: true, seed: 1, timeScale: 0.001, world: {} }),
    vision: z.record(z.string(), z.unknown()).default({}).describe('image analysis: the lab\'s own ONNX models and inference settings (docs/vision.md)'),
    instruments: z.array(instrumentSchema).min(1),
  })
  .strict();

/** Checks across fields, on the raw data so they report alongside the schema's own errors. */
export function labSemanticIssues(data: unknown): { path: (string | number)[]; message: string }[] {
  const instruments = (data as { instruments?: unknown } | null)?.instruments;
  if (!Array.isArray(instruments)) return [];
  const seen = new Set<unknown>();
  return instruments.flatMap((instrument: { id?: unknown } | null, index) => {
    const id = instrument?.id;
    const duplicate = typeof id === 'string' && seen.has(id);
    seen.add(id);
    return duplicate ? [{ path: ['instruments', index, 'id'], message: `duplicate instrument id '${id}'` }] : [];
  });
}

export type LabConfig = z.infer<typeof labSchema>;
export type InstrumentConfig = z.infer<typeof instrumentSchema>;
export type Envelope = z.infer<typeof envelopeSchema>;
export type Limit = z.infer<typeof limitSchema>;
export type Role = z.infer<typeof roleSchema>;
export type UserConfig = z.infer<typeof userSchema>;
