import { GpHyper } from '../gp';
import { defaultHyper } from '../fit';
import { EncodedSpace, toUnit } from '../space';
import { ParameterSpec } from '../types';

/**
 * Keep a model's physical lengthscales when the space's bounds change: a lengthscale in unit-cube
 * units is rescaled by old width / new width (in encoded units). Parameters that are new, or whose
 * type or categories changed, get the default lengthscale.
 */
export function rescaleHyper(hyper: GpHyper, oldSpace: EncodedSpace, newSpace: EncodedSpace): GpHyper {
  const fallback = defaultHyper(newSpace.dim).logLengthscales[0];
  const logLs = new Array<number>(newSpace.dim).fill(fallback);
  for (const p of newSpace.params) {
    const q = oldSpace.byName.get(p.spec.name);
    if (!q || q.spec.type !== p.spec.type || q.width !== p.width) continue;
    for (let j = 0; j < p.width; j++) logLs[p.offset + j] = hyper.logLengthscales[q.offset + j];
    if (p.width === 1 && p.spec.type !== 'categorical') logLs[p.offset] += Math.log(unitSpan(q.spec, p.spec));
  }
  return { ...hyper, logLengthscales: logLs };
}

/** How many new unit-cube units one old unit spans (1 when the parameter kept its range). */
function unitSpan(oldSpec: ParameterSpec, newSpec: ParameterSpec): number {
  const lo = oldSpec.type === 'ordinal' ? Math.min(...oldSpec.values) : oldSpec.type === 'categorical' ? 0 : oldSpec.lower;
  const hi = oldSpec.type === 'ordinal' ? Math.max(...oldSpec.values) : oldSpec.type === 'categorical' ? 1 : oldSpec.upper;
  const span = Math.abs(toUnit(newSpec, hi) - toUnit(newSpec, lo));
  return Number.isFinite(span) && span > 0 ? span : 1;
}
