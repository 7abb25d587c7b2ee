/** What `${...}` in a workflow step may refer to. */
export interface TemplateScope {
  params: Record<string, number | string>;
  experiment: { id: string; sampleId: string; index: number };
  steps: Record<string, Record<string, unknown>>;
}

const WHOLE = /^\$\{([^}]*)\}$/;
const ANY = /\$\{([^}]*)\}/g;

/**
 * Replace templates in a params tree. A string that is exactly one template takes the referenced
 * value with its type (a number stays a number); templates inside longer strings are spliced in.
 */
export function resolveTemplates(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(whole[1].trim(), scope);
    return value.replace(ANY, (_, expr: string) => String(lookup(expr.trim(), scope)));
  }
  if (Array.isArray(value)) return value.map((v) => resolveTemplates(v, scope));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTemplates(v, scope)]));
  }
  return value;
}

function lookup(expr: string, scope: TemplateScope): unknown {
  const [head, key, field] = expr.split('.');
  const found =
    head === 'params' ? scope.params[key]
    : head === 'experiment' ? (scope.experiment as Record<string, unknown>)[key]
    : head === 'steps' ? scope.steps[key]?.[field]
    : undefined;
  if (found === undefined) throw new Error(`template \${${expr}} has no value here`);
  return found;
}
