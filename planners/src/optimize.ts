import { AcquisitionFn, evaluateMany, evaluateManyWithGrad } from './acquisition/types';
import { Domain } from './domain';
import { minimizeMany } from './lbfgsb';
import { Rng } from './rng';

export interface OptimizeOptions {
  /** Quasi-random starting candidates (BoTorch default 1024). */
  rawSamples: number;
  /** Candidates refined with L-BFGS (BoTorch default 20). */
  restarts: number;
  maxIter: number;
  seed: number;
}

export interface OptimizeResult {
  x: Float64Array;
  value: number;
}

/**
 * Maximize an acquisition over a domain: score Sobol raw samples, pick restart points by
 * Boltzmann sampling on the scores (BoTorch's initialize_q_batch), refine each with projected
 * L-BFGS in the reduced coordinates (categoricals held), then snap integers/ordinals, repair
 * constraints and polish categorical choices one parameter at a time.
 */
export function optimizeAcquisition(acq: AcquisitionFn, domain: Domain, opts: OptimizeOptions): OptimizeResult | null {
  const rng = new Rng(opts.seed);
  const raw = domain.sample(opts.rawSamples, opts.seed);
  const scores = Array.from(evaluateMany(acq, raw));
  const starts = pickRestarts(scores, opts.restarts, rng).map((i) => raw[i]);

  const results: OptimizeResult[] = [];
  for (const x of refineTogether(acq, domain, starts, opts.maxIter)) {
    const fx = domain.finalize(x);
    if (fx) results.push({ x: fx, value: acq.value(fx, null) });
  }
  // Raw samples are feasible by construction: keep the best as a fallback.
  let bestRaw = -1;
  for (let i = 0; i < raw.length; i++) if (Number.isFinite(scores[i]) && (bestRaw < 0 || scores[i] > scores[bestRaw])) bestRaw = i;
  if (bestRaw >= 0) {
    const fx = domain.finalize(raw[bestRaw]);
    if (fx) results.push({ x: fx, value: acq.value(fx, null) });
  }
  const valid = results.filter((r) => !Number.isNaN(r.value));
  if (valid.length === 0) return null;
  valid.sort((a, b) => b.value - a.value);
  return polishCategoricals(acq, domain, valid[0]);
}

/**
 * Independent L-BFGS runs from every restart, stepped in lockstep so each round of evaluations
 * shares one blocked pass over the GP's Cholesky factor. Categorical choices stay at their
 * starting values.
 */
function refineTogether(acq: AcquisitionFn, domain: Domain, starts: Float64Array[], maxIter: number): Float64Array[] {
  const k = domain.k;
  const cats = starts.map((x) => domain.catsOf(x));
  if (k === 0 || starts.length === 0) return starts;
  const dim = domain.space.dim;
  const gz = new Float64Array(k);
  const res = minimizeMany(
    (zs, gzs) => {
      const xs = zs.map((z, i) => domain.assemble(z, cats[i]));
      const grads = xs.map(() => new Float64Array(dim));
      const vals = evaluateManyWithGrad(acq, xs, grads);
      return zs.map((_, i) => {
        if (!Number.isFinite(vals[i])) return Infinity;
        domain.gradZ(grads[i], gz);
        for (let j = 0; j < k; j++) gzs[i][j] = -gz[j];
        return -vals[i];
      });
    },
    starts.map((x) => domain.zOf(x)),
    domain.isBox ? { lower: new Float64Array(k), upper: new Float64Array(k).fill(1), maxIter } : { project: (z) => void domain.projectZ(z), maxIter },
  );
  return res.map((rr, i) => domain.assemble(rr.x, cats[i]));
}

/** Boltzmann sampling without replacement on standardized scores; the best is always kept. */
function pickRestarts(scores: number[], count: number, rng: Rng): number[] {
  const idx = scores.map((_, i) => i).filter((i) => Number.isFinite(scores[i]));
  if (idx.length <= count) return idx;
  const vals = idx.map((i) => scores[i]);
  const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
  const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length) || 1;
  const max = Math.max(...vals);
  const eta = 2;
  const w = vals.map((v) => Math.exp((eta * (v - max)) / sd));
  const chosen: number[] = [idx[vals.indexOf(max)]];
  w[vals.indexOf(max)] = 0;
  while (chosen.length < count) {
    const total = w.reduce((a, b) => a + b, 0);
    if (!(total > 0)) break;
    let r = rng.next() * total;
    let j = 0;
    for (; j < w.length - 1; j++) {
      r -= w[j];
      if (r <= 0) break;
    }
    chosen.push(idx[j]);
    w[j] = 0;
  }
  return chosen;
}

/** Coordinate search over categorical parameters at the optimum (gradients cannot move them). */
function polishCategoricals(acq: AcquisitionFn, domain: Domain, best: OptimizeResult): OptimizeResult {
  if (domain.freeCats.length === 0) return best;
  let current = best;
  for (let round = 0; round < 3; round++) {
    let improved = false;
    for (const q of domain.freeCats) {
      for (let j = 0; j < q.width; j++) {
        if (current.x[q.offset + j] === 1) continue;
        const x = Float64Array.from(current.x);
        x.fill(0, q.offset, q.offset + q.width);
        x[q.offset + j] = 1;
        const v = acq.value(x, null);
        if (v > current.value) {
          current = { x, value: v };
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return current;
}
