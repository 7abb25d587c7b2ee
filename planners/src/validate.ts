import { feasibilityProblem } from './domain';
import { PlannerConfig, SearchSpaceSpec } from './types';
import { validateTravel } from './travel';

/** Kinds that model one objective / several objectives / none. */
export const SINGLE_OBJECTIVE_KINDS = ['gp-ei', 'gp-ucb', 'gp-pi', 'gp-nei', 'active-learning'] as const;
export const MULTI_OBJECTIVE_KINDS = ['parego', 'ehvi'] as const;
export const MODEL_FREE_KINDS = ['sobol', 'random'] as const;
export const PLANNER_KINDS: readonly string[] = [...SINGLE_OBJECTIVE_KINDS, ...MULTI_OBJECTIVE_KINDS, ...MODEL_FREE_KINDS];

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Human-readable problems with a search space (empty when it is usable). */
export function validateSpace(space: SearchSpaceSpec | undefined): string[] {
  const errors: string[] = [];
  if (!space || !Array.isArray(space.parameters) || space.parameters.length === 0) return ['space.parameters must be a non-empty list'];
  const names = new Set<string>();
  for (const p of space.parameters) {
    const where = `parameter '${p?.name}'`;
    if (!p || typeof p.name !== 'string' || p.name === '') {
      errors.push('every parameter needs a non-empty name');
      continue;
    }
    if (names.has(p.name)) errors.push(`${where} is defined twice`);
    names.add(p.name);
    switch (p.type) {
      case 'continuous':
      case 'integer':
        if (!isNum(p.lower) || !isNum(p.upper)) errors.push(`${where}: lower and upper must be finite numbers`);
        else if (p.lower >= p.upper) errors.push(`${where}: lower (${p.lower}) must be below upper (${p.upper})`);
        if (p.type === 'continuous' && p.scale === 'log' && isNum(p.lower) && p.lower <= 0) errors.push(`${where}: log scale needs lower > 0 (got ${p.lower})`);
        if (p.type === 'continuous' && p.scale !== undefined && p.scale !== 'linear' && p.scale !== 'log') errors.push(`${where}: scale must be 'linear' or 'log'`);
        if (p.type === 'integer' && (!Number.isInteger(p.lower) || !Number.isInteger(p.upper))) errors.push(`${where}: integer bounds must be integers`);
        break;
      case 'ordinal':
        if (!Array.isArray(p.values) || p.values.length === 0 || !p.values.every(isNum)) errors.push(`${where}: ordinal values must be a non-empty list of numbers`);
        else if (new Set(p.values).size !== p.values.length) errors.push(`${where}: ordinal values must be distinct`);
        break;
      case 'categorical':
        if (!Array.isArray(p.values) || p.values.length === 0 || !p.values.every((v) => typeof v === 'string')) errors.push(`${where}: categorical values must be a non-empty list of strings`);
        else if (new Set(p.values).size !== p.values.length) errors.push(`${where}: categorical values must be distinct`);
        break;
      default:
        errors.push(`${where}: unknown type '${(p as { type?: unknown }).type}' (continuous, integer, ordinal, categorical)`);
    }
  }
  const byName = new Map(space.parameters.map((p) => [p.name, p]));
  (space.constraints ?? []).forEach((c, i) => {
    const where = `constraint ${i + 1}`;
    if (!c || typeof c.coefficients !== 'object' || Object.keys(c.coefficients).length === 0) {
      errors.push(`${where}: needs coefficients`);
      return;
    }
    if (!['<=', '>=', '='].includes(c.op)) errors.push(`${where}: op must be '<=', '>=' or '='`);
    if (!isNum(c.rhs)) errors.push(`${where}: rhs must be a finite number`);
    for (const [name, a] of Object.entries(c.coefficients)) {
      const p = byName.get(name);
      if (!p) errors.push(`${where}: unknown parameter '${name}'`);
      else if (p.type === 'categorical') errors.push(`${where}: categorical parameter '${name}' cannot appear in a linear constraint`);
      else if (p.type === 'continuous' && p.scale === 'log') errors.push(`${where}: log-scale parameter '${name}' cannot appear in a linear constraint`);
      if (!isNum(a)) errors.push(`${where}: coefficient of '${name}' must be a finite number`);
    }
  });
  if (space.candidates !== undefined) {
    if (!Array.isArray(space.candidates) || space.candidates.length === 0) errors.push('space.candidates must be a non-empty list when given');
    else {
      const withFeatures = space.candidates.filter((c) => c.features !== undefined).length;
      if (withFeatures !== 0 && withFeatures !== space.candidates.length) errors.push('either every candidate has features or none does');
      const width = space.candidates[0].features?.length ?? 0;
      space.candidates.forEach((c, i) => {
        for (const p of space.parameters) if (c.point?.[p.name] === undefined) errors.push(`candidate ${i + 1}: missing parameter '${p.name}'`);
        if (c.features && (c.features.length !== width || !c.features.every(isNum))) errors.push(`candidate ${i + 1}: features must be ${width} finite numbers`);
      });
    }
  }
  if (errors.length === 0 && space.candidates === undefined) {
    const problem = feasibilityProblem(space);
    if (problem) errors.push(`constraints are infeasible: ${problem}`);
  }
  return errors;
}

/** Human-readable problems with a planner configuration (empty when it is valid). */
export function validatePlannerConfig(config: PlannerConfig): string[] {
  const errors: string[] = [];
  if (!config || typeof config !== 'object') return ['config must be an object'];
  if (!PLANNER_KINDS.includes(config.kind)) errors.push(`unknown kind '${config.kind}' (known: ${PLANNER_KINDS.join(', ')})`);
  if (!isNum(config.seed)) errors.push('seed must be a finite number');
  errors.push(...validateSpace(config.space));
  const objectives = Array.isArray(config.objectives) ? config.objectives : [];
  if (objectives.length === 0) errors.push('at least one objective is required');
  const seen = new Set<string>();
  for (const o of objectives) {
    if (!o || typeof o.name !== 'string' || o.name === '') errors.push('every objective needs a name');
    else if (seen.has(o.name)) errors.push(`objective '${o.name}' is defined twice`);
    else seen.add(o.name);
    if (!['maximize', 'minimize', 'target'].includes(o?.direction)) errors.push(`objective '${o?.name}': direction must be maximize, minimize or target`);
    if (o?.direction === 'target' && !isNum(o.target)) errors.push(`objective '${o.name}': direction 'target' needs a numeric target`);
  }
  if ((SINGLE_OBJECTIVE_KINDS as readonly string[]).includes(config.kind) && objectives.length > 1) {
    errors.push(`kind '${config.kind}' optimizes one objective; use 'parego' or 'ehvi' for ${objectives.length}`);
  }
  if ((MULTI_OBJECTIVE_KINDS as readonly string[]).includes(config.kind) && (objectives.length < 2 || objectives.length > 3)) {
    errors.push(`kind '${config.kind}' needs 2 or 3 objectives (got ${objectives.length})`);
  }
  const o = config.options ?? {};
  if (typeof o !== 'object') errors.push('options must be an object');
  else {
    if (o.kernel !== undefined && o.kernel !== 'matern52' && o.kernel !== 'rbf') errors.push(`options.kernel must be 'matern52' or 'rbf'`);
    if (o.design !== undefined && o.design !== 'sobol' && o.design !== 'lhs') errors.push(`options.design must be 'sobol' or 'lhs'`);
    if (o.outputWarp !== undefined && o.outputWarp !== 'auto' && o.outputWarp !== 'none') errors.push(`options.outputWarp must be 'auto' or 'none'`);
    for (const key of ['initialDesign', 'rawSamples', 'restarts', 'maxIter', 'fitSubsample', 'mcSamples', 'beta', 'minNoise']) {
      const v = o[key];
      if (v !== undefined && (!isNum(v) || v < 0)) errors.push(`options.${key} must be a non-negative number`);
    }
    for (const key of ['centrePoint', 'feasibilityModel', 'noiseMixture', 'recalibrate']) if (o[key] !== undefined && typeof o[key] !== 'boolean') errors.push(`options.${key} must be true or false`);
    const ref = o.referencePoint;
    if (ref !== undefined) {
      const values = Array.isArray(ref) ? ref : typeof ref === 'object' && ref !== null ? objectives.map((ob) => (ref as Record<string, unknown>)[ob?.name]) : null;
      if (!values || values.length !== objectives.length || !values.every(isNum)) errors.push('options.referencePoint must give one finite number per objective (array or record by name)');
    }
    if (config.kind === 'active-learning' && o.acquisition !== undefined && o.acquisition !== 'variance' && o.acquisition !== 'integrated-variance') {
      errors.push(`options.acquisition of 'active-learning' must be 'variance' or 'integrated-variance'`);
    }
    if (o.refitEvery !== undefined && o.refitEvery !== 'auto' && (!isNum(o.refitEvery) || o.refitEvery < 1)) errors.push(`options.refitEvery must be 'auto' or a number >= 1`);
    errors.push(...validateTravel(o, config.kind, (config.space?.parameters ?? []).map((p) => p.name)));
  }
  return errors;
}
