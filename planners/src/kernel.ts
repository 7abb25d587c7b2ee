/**
 * Stationary ARD kernels on the unit-cube encoding. Both are written as functions of the scaled
 * squared distance r2 = sum_d (x_d - y_d)^2 / l_d^2 so that gradients share one factor:
 *   dk/d(log l_j)  = grad(r2) * (x_j - y_j)^2 / l_j^2
 *   dk/dx_j        = -grad(r2) * (x_j - y_j) / l_j^2
 */
export type KernelKind = 'matern52' | 'rbf';

const SQRT5 = Math.sqrt(5);

/** Unit-variance correlation k(r2). */
export function kernelValue(kind: KernelKind, r2: number): number {
  if (kind === 'rbf') return Math.exp(-0.5 * r2);
  const r = Math.sqrt(r2);
  return (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

/** The shared gradient factor g(r2) = -2 dk/d(r2) described above. */
export function kernelGradFactor(kind: KernelKind, r2: number): number {
  if (kind === 'rbf') return Math.exp(-0.5 * r2);
  const r = Math.sqrt(r2);
  return (5 / 3) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

/** Scaled squared distance between row i of X (stride dim) and the point x. */
export function scaledDist2(X: Float64Array, i: number, x: ArrayLike<number>, invLs2: Float64Array): number {
  const dim = invLs2.length;
  const o = i * dim;
  let r2 = 0;
  for (let d = 0; d < dim; d++) {
    const t = X[o + d] - x[d];
    r2 += t * t * invLs2[d];
  }
  return r2;
}
