import type { CampaignConfig } from '@lab/config';
import type { Point } from '@lab/planners';

/** Every reason a person's point (an edit or an injected experiment) does not fit the campaign's space. */
export function pointProblems(config: CampaignConfig, point: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const known = new Set(config.parameters.map((p) => p.name));
  for (const name of Object.keys(point)) if (!known.has(name)) problems.push(`${name}: not a parameter of this campaign`);
  for (const p of config.parameters) {
    const v = point[p.name];
    if (v === undefined) {
      problems.push(`${p.name}: missing`);
    } else if (p.type === 'categorical') {
      if (!p.values.includes(String(v))) problems.push(`${p.name}: must be one of ${p.values.join(', ')}`);
    } else if (typeof v !== 'number' || !Number.isFinite(v)) {
      problems.push(`${p.name}: must be a number`);
    } else if (p.type === 'ordinal') {
      if (!p.values.includes(v)) problems.push(`${p.name}: must be one of ${p.values.join(', ')}`);
    } else if (v < p.lower || v > p.upper) {
      problems.push(`${p.name}: ${v} is outside [${p.lower}, ${p.upper}]`);
    } else if (p.type === 'integer' && !Number.isInteger(v)) {
      problems.push(`${p.name}: must be an integer`);
    }
  }
  if (problems.length > 0) return problems;
  for (const c of config.constraints) {
    const lhs = Object.entries(c.coefficients).reduce((sum, [name, k]) => sum + k * Number(point[name]), 0);
    const ok = c.op === '=' ? Math.abs(lhs - c.rhs) <= 1e-6 : c.op === '<=' ? lhs <= c.rhs + 1e-9 : lhs >= c.rhs - 1e-9;
    if (!ok) problems.push(`constraint ${Object.entries(c.coefficients).map(([n, k]) => `${k}*${n}`).join(' + ')} ${c.op} ${c.rhs} is not met (${lhs.toPrecision(6)})`);
  }
  return problems;
}

export const asPoint = (value: Record<string, unknown>): Point => value as Point;
