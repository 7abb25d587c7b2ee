import { LinearConstraint, ParameterSpec, Point, SearchSpaceSpec } from './types';

/**
 * Encoding of a search space into the unit cube the GP works in: continuous parameters are
 * min-max scaled (log-scaled ones in log space), integers and ordinals are relaxed to [0, 1]
 * and snapped back on decode, categoricals are one-hot.
 */
export interface EncodedParam {
  spec: ParameterSpec;
  /** First encoded column. */
  offset: number;
  /** Number of encoded columns (1, or the number of categories). */
  width: number;
}

/** A linear constraint in encoded coordinates: coef . x (op) rhs, with unit-norm coef. */
export interface EncodedConstraint {
  coef: Float64Array;
  op: '<=' | '=';
  rhs: number;
}

export class EncodedSpace {
  readonly dim: number;
  readonly params: EncodedParam[];
  readonly byName: Map<string, EncodedParam>;

  constructor(readonly spec: SearchSpaceSpec) {
    let offset = 0;
    this.params = spec.parameters.map((p) => {
      const width = p.type === 'categorical' ? p.values.length : 1;
      const e = { spec: p, offset, width };
      offset += width;
      return e;
    });
    this.dim = offset;
    this.byName = new Map(this.params.map((p) => [p.spec.name, p]));
  }

  /** Encoded columns holding numeric (relaxed) parameters. */
  numericParams(): EncodedParam[] {
    return this.params.filter((p) => p.spec.type !== 'categorical');
  }

  categoricalParams(): EncodedParam[] {
    return this.params.filter((p) => p.spec.type === 'categorical');
  }

  encode(point: Point, out = new Float64Array(this.dim)): Float64Array {
    for (const p of this.params) {
      const v = point[p.spec.name];
      if (p.spec.type === 'categorical') {
        for (let j = 0; j < p.width; j++) out[p.offset + j] = p.spec.values[j] === v ? 1 : 0;
      } else {
        out[p.offset] = toUnit(p.spec, typeof v === 'number' ? v : Number(v));
      }
    }
    return out;
  }

  decode(x: ArrayLike<number>): Point {
    const point: Point = {};
    for (const p of this.params) {
      if (p.spec.type === 'categorical') {
        let best = 0;
        for (let j = 1; j < p.width; j++) if (x[p.offset + j] > x[p.offset + best]) best = j;
        point[p.spec.name] = p.spec.values[best];
      } else {
        point[p.spec.name] = fromUnit(p.spec, x[p.offset]);
      }
    }
    return point;
  }

  /** Snap relaxed integer/ordinal columns to their grid and categorical groups to one-hot, in place. */
  snap(x: Float64Array): Float64Array {
    for (const p of this.params) {
      const s = p.spec;
      if (s.type === 'integer' || s.type === 'ordinal') x[p.offset] = toUnit(s, fromUnit(s, x[p.offset]));
      else if (s.type === 'categorical') {
        let best = 0;
        for (let j = 1; j < p.width; j++) if (x[p.offset + j] > x[p.offset + best]) best = j;
        for (let j = 0; j < p.width; j++) x[p.offset + j] = j === best ? 1 : 0;
      }
    }
    return x;
  }

  /**
   * Rewrite a constraint over original units as one over encoded columns (unit-norm row).
   * Log-scaled and categorical parameters cannot appear (validation rejects that).
   */
  encodeConstraint(c: LinearConstraint): EncodedConstraint[] {
    const coef = new Float64Array(this.dim);
    let rhs = c.rhs;
    for (const [name, a] of Object.entries(c.coefficients)) {
      const p = this.byName.get(name);
      if (!p || a === 0) continue;
      const { low, width } = affineOf(p.spec);
      coef[p.offset] += a * width;
      rhs -= a * low;
    }
    let norm = 0;
    for (let i = 0; i < this.dim; i++) norm += coef[i] * coef[i];
    norm = Math.sqrt(norm);
    if (norm === 0) norm = 1;
    for (let i = 0; i < this.dim; i++) coef[i] /= norm;
    rhs /= norm;
    if (c.op === '>=') return [{ coef: coef.map((v) => -v), op: '<=', rhs: -rhs }];
    return [{ coef, op: c.op, rhs }];
  }
}

/** Affine map value = low + width * unit for parameters that are linear in their encoding. */
function affineOf(s: ParameterSpec): { low: number; width: number } {
  switch (s.type) {
    case 'continuous':
    case 'integer':
      return { low: s.lower, width: s.upper - s.lower };
    case 'ordinal': {
      const lo = Math.min(...s.values);
      const hi = Math.max(...s.values);
      return { low: hi > lo ? lo : lo - 0.5, width: hi > lo ? hi - lo : 1 };
    }
    default:
      return { low: 0, width: 1 };
  }
}

export function toUnit(s: ParameterSpec, v: number): number {
  if (s.type === 'continuous' && s.scale === 'log') return (Math.log(v) - Math.log(s.lower)) / (Math.log(s.upper) - Math.log(s.lower));
  const { low, width } = affineOf(s);
  return (v - low) / width;
}

export function fromUnit(s: ParameterSpec, u: number): number {
  switch (s.type) {
    case 'continuous': {
      const v = s.scale === 'log' ? Math.exp(Math.log(s.lower) + u * (Math.log(s.upper) - Math.log(s.lower))) : s.lower + u * (s.upper - s.lower);
      return Math.min(s.upper, Math.max(s.lower, v));
    }
    case 'integer':
      return Math.min(s.upper, Math.max(s.lower, Math.round(s.lower + u * (s.upper - s.lower))));
    case 'ordinal': {
      const { low, width } = affineOf(s);
      const target = low + u * width;
      let best = s.values[0];
      for (const v of s.values) if (Math.abs(v - target) < Math.abs(best - target)) best = v;
      return best;
    }
    default:
      return u;
  }
}

/** Largest violation of bounds and linear constraints by a point, in the parameters' own units. */
export function constraintViolation(spec: SearchSpaceSpec, point: Point): number {
  let worst = 0;
  for (const p of spec.parameters) {
    const v = point[p.name];
    if (p.type === 'categorical') {
      if (!p.values.includes(String(v))) return Infinity;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) return Infinity;
    if (p.type === 'ordinal') {
      if (!p.values.includes(v)) return Infinity;
      continue;
    }
    if (p.type === 'integer' && !Number.isInteger(v)) return Infinity;
    worst = Math.max(worst, p.lower - v, v - p.upper);
  }
  for (const c of spec.constraints ?? []) {
    let lhs = 0;
    for (const [name, a] of Object.entries(c.coefficients)) lhs += a * Number(point[name]);
    const gap = lhs - c.rhs;
    worst = Math.max(worst, c.op === '=' ? Math.abs(gap) : c.op === '<=' ? gap : -gap);
  }
  return worst;
}
