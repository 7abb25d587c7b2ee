/**
 * Projected L-BFGS for smooth objectives on a box (or any convex set given by a projection).
 * Variables held at a bound with the gradient pushing outward are frozen for the quasi-Newton
 * step (the active-set idea of L-BFGS-B), and an Armijo backtracking search runs along the
 * projected path, so every iterate is feasible.
 */
export type ObjectiveFn = (x: Float64Array, grad: Float64Array) => number;

export interface MinimizeOptions {
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
  /** In-place projection onto a convex feasible set; used in addition to the bounds. */
  project?: (x: Float64Array) => void;
  maxIter?: number;
  /** Number of stored curvature pairs. */
  memory?: number;
  /** Stop when the largest free gradient component is below this. */
  pgtol?: number;
  /** Stop when the relative decrease of f in one iteration is below this. */
  ftol?: number;
  /**
   * Also stop (converged, keeping the current point) when a line-search trial fails and the
   * decrease its step predicts to first order, an upper bound on what any shorter step along the
   * ray can gain, is already below ftol relative to f. Saves the long halving runs that a start at
   * the optimum with a rounding-level gradient otherwise pays (a warm-started refit).
   */
  stopOnNegligibleDecrease?: boolean;
}

export interface MinimizeResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
}

/** One evaluation request of the minimizer: fill `grad` and reply with f(x). */
type Steps = Generator<{ x: Float64Array; grad: Float64Array }, MinimizeResult, number>;

export function minimize(fg: ObjectiveFn, x0: ArrayLike<number>, opts: MinimizeOptions = {}): MinimizeResult {
  return minimizeMany((xs, grads) => xs.map((x, i) => fg(x, grads[i])), [x0], opts)[0];
}

/**
 * Several independent minimizations run in lockstep: each keeps its own curvature memory, line
 * search and stopping test, but their function evaluations are requested together, so an expensive
 * objective (a GP posterior at n = 1000) can share work across them.
 */
export function minimizeMany(fgMany: (xs: Float64Array[], grads: Float64Array[]) => number[], x0s: ArrayLike<number>[], opts: MinimizeOptions = {}): MinimizeResult[] {
  const runs = x0s.map((x0) => steps(x0, opts));
  const results: (MinimizeResult | null)[] = x0s.map(() => null);
  let requests = runs.map((run) => run.next());
  for (;;) {
    const open: number[] = [];
    requests.forEach((req, i) => {
      if (req.done) results[i] ??= req.value;
      else open.push(i);
    });
    if (open.length === 0) break;
    const asks = open.map((i) => (requests[i] as IteratorYieldResult<{ x: Float64Array; grad: Float64Array }>).value);
    const fs = fgMany(
      asks.map((a) => a.x),
      asks.map((a) => a.grad),
    );
    open.forEach((i, j) => (requests[i] = runs[i].next(fs[j])));
  }
  return results as MinimizeResult[];
}

function* steps(x0: ArrayLike<number>, opts: MinimizeOptions): Steps {
  const n = x0.length;
  const { lower, upper, project } = opts;
  const maxIter = opts.maxIter ?? 100;
  const m = opts.memory ?? 10;
  const pgtol = opts.pgtol ?? 1e-6;
  const ftol = opts.ftol ?? 1e-10;

  const toFeasible = (x: Float64Array): void => {
    if (lower && upper) for (let i = 0; i < n; i++) x[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
    if (project) project(x);
  };

  let x = Float64Array.from(x0);
  toFeasible(x);
  let g = new Float64Array(n);
  let f = yield { x, grad: g };
  let evaluations = 1;
  if (!Number.isFinite(f)) return { x, f, iterations: 0, evaluations };

  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const free = new Uint8Array(n);
  const d = new Float64Array(n);
  let xt = new Float64Array(n);
  let gt = new Float64Array(n);
  let iterations = 0;

  for (; iterations < maxIter; iterations++) {
    let pg = 0;
    for (let i = 0; i < n; i++) {
      const atLower = lower !== undefined && x[i] <= lower[i] && g[i] > 0;
      const atUpper = upper !== undefined && x[i] >= upper[i] && g[i] < 0;
      free[i] = atLower || atUpper ? 0 : 1;
      if (free[i]) pg = Math.max(pg, Math.abs(g[i]));
    }
    if (pg < pgtol) break;

    // Two-loop recursion on the free components.
    for (let i = 0; i < n; i++) d[i] = free[i] ? g[i] : 0;
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], d, free);
      axpyMasked(-alpha[k], Y[k], d, free);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = 1 / (rho[last] * dot(Y[last], Y[last], free) || 1);
      for (let i = 0; i < n; i++) d[i] *= Number.isFinite(gamma) && gamma > 0 ? gamma : 1;
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], d, free);
      axpyMasked(alpha[k] - beta, S[k], d, free);
    }
    for (let i = 0; i < n; i++) d[i] = free[i] ? -d[i] : 0;
    let gd = 0;
    for (let i = 0; i < n; i++) gd += g[i] * d[i];
    if (!(gd < 0)) {
      // Not a descent direction (stale curvature after projection): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
    }

    let dmax = 0;
    for (let i = 0; i < n; i++) dmax = Math.max(dmax, Math.abs(d[i]));
    // Without curvature information the first trial step moves the largest component by at most 1.
    let t = S.length === 0 && dmax > 0 ? Math.min(1, 1 / dmax) : 1;
    let accepted = false;
    let ft = f;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < n; i++) xt[i] = x[i] + t * d[i];
      toFeasible(xt);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += g[i] * (xt[i] - x[i]);
      ft = yield { x: xt, grad: gt };
      evaluations++;
      if (Number.isFinite(ft) && ft <= f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      if (opts.stopOnNegligibleDecrease && Number.isFinite(ft) && -decrease <= ftol * Math.max(Math.abs(f), 1)) break;
      t *= 0.5;
    }
    if (!accepted) break;

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xt[i] - x[i];
      y[i] = gt[i] - g[i];
      sy += s[i] * y[i];
      yy += y[i] * y[i];
    }
    if (sy > 1e-10 * yy) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const fPrev = f;
    [x, xt] = [xt, x];
    [g, gt] = [gt, g];
    f = ft;
    if (fPrev - f <= ftol * Math.max(Math.abs(fPrev), Math.abs(f), 1)) {
      iterations++;
      break;
    }
  }
  return { x, f, iterations, evaluations };
}

function dot(a: Float64Array, b: Float64Array, mask: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (mask[i]) s += a[i] * b[i];
  return s;
}

function axpyMasked(a: number, x: Float64Array, y: Float64Array, mask: Uint8Array): void {
  for (let i = 0; i < x.length; i++) if (mask[i]) y[i] += a * x[i];
}
