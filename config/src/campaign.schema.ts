import { z } from 'zod';
import { envelopeSchema, limitSchema } from './lab.schema';

const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a letter followed by letters, digits or _');

const parameterSchema = z.discriminatedUnion('type', [
  z.object({ name, type: z.literal('continuous'), lower: z.number(), upper: z.number(), scale: z.enum(['linear', 'log']).default('linear'), unit: z.string().optional() }).strict(),
  z.object({ name, type: z.literal('integer'), lower: z.number().int(), upper: z.number().int(), unit: z.string().optional() }).strict(),
  z.object({ name, type: z.literal('ordinal'), values: z.array(z.number()).min(2) }).strict(),
  z.object({ name, type: z.literal('categorical'), values: z.array(z.string()).min(2) }).strict(),
]);

const constraintSchema = z
  .object({
    coefficients: z.record(z.string(), z.number()),
    op: z.enum(['<=', '>=', '=']),
    rhs: z.number(),
  })
  .strict()
  .describe('sum(coefficients[p] * p) op rhs, e.g. fractions that sum to 1');

const objectiveSchema = z
  .object({
    name,
    direction: z.enum(['maximize', 'minimize', 'target']),
    target: z.number().optional(),
    from: z
      .object({
        step: z.string(),
        feature: z.string().describe('a scalarizer applied to the step data (e.g. loop_area) or an output field of the step'),
      })
      .strict(),
  })
  .strict()
  .refine((o) => o.direction !== 'target' || o.target !== undefined, { message: "direction 'target' needs a target value", path: ['target'] });

const stepSchema = z
  .object({
    id: name,
    instrument: z.string(),
    action: z.string(),
    params: z.record(z.string(), z.unknown()).default({}).describe('values or templates: ${params.x}, ${experiment.sampleId}, ${steps.<id>.<output>}'),
    expectedDurationS: z.number().positive().optional().describe('nominal duration at real pace; sets the deadline'),
  })
  .strict();

/** Locations on an overview image, each described by features of its neighbourhood. */
const candidatesSchema = z
  .object({
    from: z.object({ step: z.string(), channel: z.string().describe('image channel, e.g. pfmPhase') }).strict(),
    grid: z.number().int().min(2).max(256).describe('grid x grid locations over the image'),
    patchPx: z.number().int().min(1).max(64).default(4).describe('half-width of the neighbourhood, in pixels'),
    features: z
      .array(z.enum(['xNm', 'yNm', 'domain_up_fraction', 'wall_distance_nm', 'amplitude_mean', 'height_sd', 'phase_sd', 'domain_up', 'amplitude_pm', 'current_pa', 'current_mean', 'vacancy_estimate', 'overview_confidence']))
      .min(1)
      .describe('what the model sees of each location: structure descriptors, or xNm/yNm for a spatial-only model'),
    parameters: z.object({ x: z.string(), y: z.string() }).strict().default({ x: 'xNm', y: 'yNm' }).describe('the campaign parameters that receive the location'),
    registration: z
      .object({
        everyExperiments: z.number().int().positive().describe('rescan after this many finished experiments'),
        sizeNm: z.number().positive().describe('side of the rescan window, centred on the overview'),
        pixels: z.number().int().min(8).max(1024).describe('pixels per side of the rescan window'),
        channel: z.string().default('height').describe('the channel compared between rescans'),
        limitNm: z.number().nonnegative().describe('adopt a new drift correction when it differs from the one in use by more than this'),
      })
      .strict()
      .optional()
      .describe(
        'track drift between the overview and the spectra: a reference rescan of a small window after the setup, another every N experiments; locations are sent shifted by the drift estimated from them',
      ),
  })
  .strict();

export const campaignSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.array(parameterSchema).min(1),
    constraints: z.array(constraintSchema).default([]),
    objectives: z.array(objectiveSchema).min(1).max(3),
    planner: z
      .object({
        kind: z.string().default('gp-ei'),
        batchSize: z.number().int().min(1).max(16).default(1),
        inFlight: z
          .number()
          .int()
          .min(1)
          .max(16)
          .default(1)
          .describe('experiments run at once (the robot makes the next sample while a microscope measures); new proposals treat those in flight as pending'),
        options: z.record(z.string(), z.unknown()).default({}),
      })
      .strict()
      .default({ kind: 'gp-ei', batchSize: 1, inFlight: 1, options: {} }),
    budget: z
      .object({
        experiments: z.number().int().positive(),
        hours: z.number().positive().optional(),
        doseEPerA2: z
          .number()
          .positive()
          .optional()
          .describe('electron dose the campaign may put on its sample (sum over every STEM acquisition); stops before an experiment would exceed it'),
      })
      .strict(),
    stopping: z
      .object({
        target: z.number().optional().describe('stop once the (first) objective reaches this value'),
        noImprovementFor: z.number().int().positive().optional().describe('stop after this many experiments without a better result'),
      })
      .strict()
      .default({}),
    approval: z
      .object({
        mode: z.enum(['auto', 'manual']).default('auto').describe('manual: every proposal waits for a technician'),
        autoApprove: z
          .object({ within: z.record(z.string(), limitSchema).describe('proposals with every listed parameter inside these limits pass without a person') })
          .strict()
          .optional(),
      })
      .strict()
      .default({ mode: 'auto' }),
    safety: z.record(z.string(), envelopeSchema).default({}).describe('per instrument id: limits tighter than the lab envelope'),
    setup: z.array(stepSchema).default([]).describe('steps run once before the first experiment (make a sample, take an overview)'),
    candidates: candidatesSchema.optional().describe('choose experiments among locations of a setup image instead of a continuous space'),
    workflow: z.array(stepSchema).min(1),
  })
  .strict();

type Raw = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asObject = (v: unknown): Raw => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});

export interface SemanticIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Checks across fields (unique names, bounds, template references, objective steps). Written
 * against the raw data so it reports alongside the schema's own errors, not only once they are fixed.
 */
export function campaignSemanticIssues(data: unknown): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const campaign = asObject(data);
  const parameterNames = new Set<string>();
  asArray(campaign.parameters).forEach((raw, i) => {
    const p = asObject(raw);
    if (typeof p.name === 'string') {
      if (parameterNames.has(p.name)) issues.push({ path: ['parameters', i, 'name'], message: `duplicate parameter '${p.name}'` });
      parameterNames.add(p.name);
    }
    if ((p.type === 'continuous' || p.type === 'integer') && typeof p.lower === 'number' && typeof p.upper === 'number') {
      if (p.lower >= p.upper) issues.push({ path: ['parameters', i, 'upper'], message: `upper (${p.upper}) must be greater than lower (${p.lower})` });
      else if (p.type === 'continuous' && p.scale === 'log' && p.lower <= 0) issues.push({ path: ['parameters', i, 'lower'], message: 'a log-scale parameter needs lower > 0' });
    }
  });
  asArray(campaign.constraints).forEach((raw, i) => {
    for (const key of Object.keys(asObject(asObject(raw).coefficients))) {
      if (!parameterNames.has(key)) issues.push({ path: ['constraints', i, 'coefficients', key], message: `unknown parameter '${key}'` });
    }
  });
  const setupIds: string[] = [];
  asArray(campaign.setup).forEach((raw, i) => {
    const step = asObject(raw);
    for (const ref of templateRefs(step.params)) {
      if (ref.expr.startsWith('params.')) issues.push({ path: ['setup', i, 'params', ...ref.path], message: `\${${ref.expr}}: setup runs before any experiment; it has no params` });
    }
    if (typeof step.id === 'string') setupIds.push(step.id);
  });
  const from = asObject(asObject(campaign.candidates).from).step;
  if (typeof from === 'string' && !setupIds.includes(from)) {
    issues.push({ path: ['candidates', 'from', 'step'], message: `no setup step '${from}' (setup: ${setupIds.join(', ') || 'none'})` });
  }
  // Workflow templates may refer to setup steps, which ran before every experiment.
  const stepIds: string[] = [...setupIds];
  asArray(campaign.workflow).forEach((raw, i) => {
    const step = asObject(raw);
    const id = typeof step.id === 'string' ? step.id : undefined;
    if (id && stepIds.includes(id)) issues.push({ path: ['workflow', i, 'id'], message: `duplicate step id '${id}'` });
    for (const ref of templateRefs(step.params)) {
      const problem = checkRef(ref.expr, parameterNames, stepIds);
      if (problem) issues.push({ path: ['workflow', i, 'params', ...ref.path], message: problem });
    }
    if (id) stepIds.push(id);
  });
  asArray(campaign.objectives).forEach((raw, i) => {
    const step = asObject(asObject(raw).from).step;
    if (typeof step === 'string' && !stepIds.includes(step)) {
      issues.push({ path: ['objectives', i, 'from', 'step'], message: `no workflow step '${step}' (steps: ${stepIds.join(', ')})` });
    }
  });
  return issues;
}

export type CampaignConfig = z.infer<typeof campaignSchema>;
export type WorkflowStep = z.infer<typeof stepSchema>;
export type ObjectiveConfig = z.infer<typeof objectiveSchema>;

const TEMPLATE = /\$\{([^}]*)\}/g;

/** Every `${...}` in a params tree, with the path to the string that holds it. */
export function templateRefs(value: unknown, path: (string | number)[] = []): { expr: string; path: (string | number)[] }[] {
  if (typeof value === 'string') return [...value.matchAll(TEMPLATE)].map((m) => ({ expr: m[1].trim(), path }));
  if (Array.isArray(value)) return value.flatMap((v, i) => templateRefs(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => templateRefs(v, [...path, k]));
  return [];
}

function checkRef(expr: string, parameters: Set<string>, earlierSteps: string[]): string | undefined {
  const [scope, key, output] = expr.split('.');
  if (scope === 'params') return parameters.has(key) ? undefined : `\${${expr}}: no parameter '${key}'`;
  if (scope === 'experiment') return ['id', 'sampleId', 'index'].includes(key) ? undefined : `\${${expr}}: experiment has id, sampleId and index`;
  if (scope === 'steps') {
    if (!earlierSteps.includes(key)) return `\${${expr}}: no earlier step '${key}'`;
    return output ? undefined : `\${${expr}}: name an output, e.g. \${steps.${key}.sampleId}`;
  }
  return `\${${expr}}: unknown scope '${scope}' (use params, experiment or steps)`;
}
