import { FitOptions, hyperBounds, MapObjective, packHyper, unpackHyper } from './fit';
import { GpHyper } from './gp';
import { minimize } from './lbfgsb';

/** One hyperparameter setting of the mixture that stands in for the posterior over them. */
export interface HyperComponent {
  hyper: GpHyper;
  weight: number;
}

/**
 * Offsets of the profile grid from the MAP log noise variance (factors of e): upward only. A fit
 * that explains noise as signal (the failure this guards against) sits at the low end of a flat
 * ridge, and a lower noise than the MAP's changes the predictive little.
 */
const NOISE_OFFSETS: readonly number[] = [1, 2, 3, 4];
/**
 * L-BFGS iterations per profiled setting: warm-started next to the MAP, a few steps find the ridge
 * (the weights need f to within a fraction of a nat, not the exact optimum), and this runs on
 * every refit below 60 rows.
 */
const PROFILE_ITERATIONS = 12;

/**
 * The posterior over the noise level, profiled: with few points the data rarely tell "smooth
 * signal + noise" from "wiggly signal + little noise" (the marginal likelihood is flat along that
 * ridge), and the MAP fit takes one end of it. A proposal then sits where that one explanation is
 * most optimistic, and its stated sd is too small (closed-loop checks: the measurement falls
 * outside 2 sd several times as often as it should, though held-out random points are fine).
 *
 * At a grid of log noise variances around the MAP the other hyperparameters are refitted
 * (warm-started from the MAP), and each setting is weighted by its posterior density,
 * w_k ~ exp(-f_k): the profile-likelihood approximation to integrating the noise out. The grid is
 * uniform in log noise, so the weights approximate the posterior mass of equal-width cells.
 * Returns the MAP itself first, then the profiled settings; weights sum to 1.
 */
export function noiseProfile(X: Float64Array, y: Float64Array, dim: number, extraNoise: Float64Array | null, map: GpHyper, mapF: number, opts: FitOptions): HyperComponent[] {
  const objective = new MapObjective(opts.kernel, X, y, dim, extraNoise);
  const { lower, upper } = hyperBounds(dim, opts);
  const noiseAt = dim + 1;
  const base = packHyper(map);
  const comps: { hyper: GpHyper; f: number }[] = [{ hyper: map, f: mapF }];
  const full = new Float64Array(dim + 3);
  const fullGrad = new Float64Array(dim + 3);
  // The free coordinates: all but the noise.
  const free = Array.from({ length: dim + 3 }, (_, i) => i).filter((i) => i !== noiseAt);
  const lo = Float64Array.from(free, (i) => lower[i]);
  const hi = Float64Array.from(free, (i) => upper[i]);
  const seen = new Set<number>([base[noiseAt]]);
  for (const offset of NOISE_OFFSETS) {
    const u = Math.min(upper[noiseAt], Math.max(lower[noiseAt], base[noiseAt] + offset));
    if (seen.has(u)) continue;
    seen.add(u);
    const fg = (t: Float64Array, g: Float64Array): number => {
      free.forEach((i, k) => (full[i] = t[k]));
      full[noiseAt] = u;
      const f = objective.evaluate(full, fullGrad);
      free.forEach((i, k) => (g[k] = fullGrad[i]));
      return f;
    };
    const res = minimize(fg, Float64Array.from(free, (i) => base[i]), { lower: lo, upper: hi, maxIter: PROFILE_ITERATIONS, pgtol: 1e-5, ftol: 1e-8, stopOnNegligibleDecrease: true });
    if (!Number.isFinite(res.f)) continue;
    const theta = Float64Array.from(base);
    free.forEach((i, k) => (theta[i] = res.x[k]));
    theta[noiseAt] = u;
    comps.push({ hyper: unpackHyper(theta, dim), f: res.f });
  }
  const fMin = Math.min(...comps.map((c) => c.f));
  const raw = comps.map((c) => Math.exp(-(c.f - fMin)));
  const total = raw.reduce((s, v) => s + v, 0);
  return comps.map((c, k) => ({ hyper: c.hyper, weight: raw[k] / total }));
}

/** Moments of a mixture of distributions given by their means and sds. */
export function mixtureMoments(parts: readonly { mean: number; sd: number; weight: number }[]): { mean: number; sd: number } {
  let mean = 0;
  let second = 0;
  for (const p of parts) {
    mean += p.weight * p.mean;
    second += p.weight * (p.sd * p.sd + p.mean * p.mean);
  }
  return { mean, sd: Math.sqrt(Math.max(0, second - mean * mean)) };
}
