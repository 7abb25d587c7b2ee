import { Cholesky } from '../cholesky';
import { GaussianProcess } from '../gp';
import { kernelGradFactor, kernelValue, scaledDist2 } from '../kernel';
import { normInv } from '../normal';
import { Sobol } from '../sobol';
import { AcquisitionFn } from './types';

/** Fat-tailed softplus of BoTorch's qLogNEI: polynomial (not exponential) decay keeps gradients alive. */
const TAU = 1e-6;
const ALPHA = 0.1;

function fatplus(u: number): { value: number; slope: number } {
  const t = u / TAU;
  const sp = t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
  const c = 1 / (1 + t * t);
  const sig = t > 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
  return { value: TAU * (sp + ALPHA * c), slope: sig - 2 * ALPHA * t * c * c };
}

export interface NoisyEiOptions {
  /** Quasi-Monte-Carlo samples of the joint posterior. */
  samples: number;
  seed: number;
  /** Baseline points kept after pruning. */
  maxBaseline?: number;
}

/**
 * Log noisy expected improvement (qLogNEI with q = 1, Ament et al. 2023): the improvement of f(x)
 * over the best of f at the previously measured points, averaged over joint posterior samples, so
 * noisy incumbents are never taken at face value. Samples are quasi-Monte-Carlo (scrambled Sobol
 * through the inverse normal CDF) and fixed per ask, which makes the acquisition smooth and
 * deterministic. With f_b = mu_b + L_b z_b fixed, f(x) = mu(x) + c(x)^T z_b + s(x) z_x where
 * c = L_b^{-1} Cov(f_b, f(x)) and s^2 = Var f(x) - |c|^2.
 */
export function qLogNoisyEi(gp: GaussianProcess, trainX: Float64Array[], opts: NoisyEiOptions): AcquisitionFn {
  const baseline = pruneBaseline(gp, trainX, opts);
  const m = baseline.length;
  const S = opts.samples;
  const n = gp.n;
  const dim = gp.dim;
  // Posterior of f at the baseline.
  const Vb = gp.whiten(baseline);
  const muB = gp.meanFromWhitened(Vb, m);
  const cov = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b <= a; b++) {
    let s = gp.kernelAt(baseline[a], baseline[b]);
    for (let i = 0; i < n; i++) s -= Vb[i * m + a] * Vb[i * m + b];
    cov[a * m + b] = s;
    cov[b * m + a] = s;
  }
  const Lb = Cholesky.factor(cov, m, m, 1e-9 * gp.outputscale);
  // K^{-1} K(X, X_b): the gradient of Cov(f_b, f(x)) needs it.
  const A = gp.chol.solveUpperMany(Float64Array.from(Vb), m);
  // Base samples z (S x (m+1)) and the per-sample best baseline value.
  const sobol = new Sobol(m + 1, opts.seed);
  const Z = sobol.points(S).map(normInv);
  const best = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    let mx = -Infinity;
    for (let a = 0; a < m; a++) {
      let f = muB[a];
      for (let b = 0; b <= a; b++) f += Lb.L[a * Lb.cap + b] * Z[s * (m + 1) + b];
      mx = Math.max(mx, f);
    }
    best[s] = mx;
  }
  const k = new Float64Array(n);
  const g = new Float64Array(n);
  const sigmaBx = new Float64Array(m);
  const gradSigmaBx = new Float64Array(m * dim);
  const P = new Float64Array(n * dim);
  const gradMu = new Float64Array(dim);
  const gradVar = new Float64Array(dim);

  const evaluate = (x: Float64Array, grad: Float64Array | null): number => {
    for (let i = 0; i < n; i++) {
      const r2 = scaledDist2(gp.X, i, x, gp.invLs2);
      k[i] = gp.outputscale * kernelValue(gp.kernel, r2);
      g[i] = gp.outputscale * kernelGradFactor(gp.kernel, r2);
    }
    const v = gp.chol.solveLower(Float64Array.from(k));
    const post = grad ? gp.predictWithGrad(x, gradMu, gradVar) : gp.predict(x);
    for (let a = 0; a < m; a++) {
      let s = gp.kernelAt(baseline[a], x);
      for (let i = 0; i < n; i++) s -= Vb[i * m + a] * v[i];
      sigmaBx[a] = s;
    }
    const c = Lb.solveLower(Float64Array.from(sigmaBx));
    let cc = 0;
    for (let a = 0; a < m; a++) cc += c[a] * c[a];
    const s2 = Math.max(post.variance - cc, 1e-12 * gp.outputscale);
    const sx = Math.sqrt(s2);
    let total = 0;
    let dMu = 0;
    let dS = 0;
    const dC = new Float64Array(m);
    for (let s = 0; s < S; s++) {
      const row = s * (m + 1);
      let f = post.mean + sx * Z[row + m];
      for (let a = 0; a < m; a++) f += c[a] * Z[row + a];
      const fp = fatplus(f - best[s]);
      total += fp.value;
      if (grad) {
        dMu += fp.slope;
        dS += fp.slope * Z[row + m];
        for (let a = 0; a < m; a++) dC[a] += fp.slope * Z[row + a];
      }
    }
    const value = Math.log(total / S);
    if (!grad) return value;
    // Chain rule: value depends on x through mu, Var f(x) (via s) and Cov(f_b, f(x)) (via c and s).
    for (let a = 0; a < m; a++) dC[a] = (dC[a] - (dS * c[a]) / sx) / total;
    const dSigmaBx = Lb.solveUpper(dC);
    const dVar = dS / total / (2 * sx);
    dMu /= total;
    // d Cov(f_b_a, f(x)) / dx = dk(b_a, x)/dx - sum_i A[i, a] dk(x_i, x)/dx, with dk/dx_d = -g (x_d - X_id) / l_d^2.
    for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) P[i * dim + d] = -g[i] * (x[d] - gp.X[i * dim + d]) * gp.invLs2[d];
    gradSigmaBx.fill(0);
    for (let a = 0; a < m; a++) {
      let r2 = 0;
      for (let d = 0; d < dim; d++) r2 += (baseline[a][d] - x[d]) ** 2 * gp.invLs2[d];
      const gb = gp.outputscale * kernelGradFactor(gp.kernel, r2);
      for (let d = 0; d < dim; d++) gradSigmaBx[a * dim + d] = -gb * (x[d] - baseline[a][d]) * gp.invLs2[d];
    }
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < m; a++) {
        const w = A[i * m + a];
        if (w === 0) continue;
        for (let d = 0; d < dim; d++) gradSigmaBx[a * dim + d] -= w * P[i * dim + d];
      }
    }
    for (let d = 0; d < dim; d++) {
      let gd = dMu * gradMu[d] + dVar * gradVar[d];
      for (let a = 0; a < m; a++) gd += dSigmaBx[a] * gradSigmaBx[a * dim + d];
      grad[d] = gd;
    }
    return value;
  };
  return { value: evaluate };
}

/**
 * Keep the measured points that could be the best: those that are the argmax of at least one
 * posterior sample among the top candidates by posterior mean (BoTorch's prune_baseline).
 */
function pruneBaseline(gp: GaussianProcess, trainX: Float64Array[], opts: NoisyEiOptions): Float64Array[] {
  const maxKeep = opts.maxBaseline ?? 16;
  if (trainX.length <= 1) return trainX;
  const means = gp.trainingMeans();
  const order = Array.from(means, (_, i) => i).sort((a, b) => means[b] - means[a]);
  const cand = order.slice(0, Math.min(32, order.length)).map((i) => trainX[i]);
  const m = cand.length;
  const V = gp.whiten(cand);
  const mu = gp.meanFromWhitened(V, m);
  const cov = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b <= a; b++) {
    let s = gp.kernelAt(cand[a], cand[b]);
    for (let i = 0; i < gp.n; i++) s -= V[i * m + a] * V[i * m + b];
    cov[a * m + b] = s;
    cov[b * m + a] = s;
  }
  const L = Cholesky.factor(cov, m, m, 1e-9 * gp.outputscale);
  const Z = new Sobol(m, opts.seed ^ 0x9e37).points(opts.samples).map(normInv);
  const wins = new Array<number>(m).fill(0);
  for (let s = 0; s < opts.samples; s++) {
    let arg = 0;
    let mx = -Infinity;
    for (let a = 0; a < m; a++) {
      let f = mu[a];
      for (let b = 0; b <= a; b++) f += L.L[a * L.cap + b] * Z[s * m + b];
      if (f > mx) {
        mx = f;
        arg = a;
      }
    }
    wins[arg]++;
  }
  return wins
    .map((w, a) => ({ w, a }))
    .filter((e) => e.w > 0)
    .sort((p, q) => q.w - p.w || p.a - q.a)
    .slice(0, maxKeep)
    .map((e) => cand[e.a]);
}
