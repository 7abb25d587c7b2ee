import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { Cholesky } from './cholesky';
import { Rng } from './rng';

function randomSpd(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const A = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? n : 0;
    for (let k = 0; k < n; k++) s += A[i][k] * A[j][k];
    K[i * n + j] = s;
  }
  return K;
}

describe('Cholesky', () => {
  const n = 12;
  const K = randomSpd(n, 3);
  const ref = new CholeskyDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(K.subarray(i * n, (i + 1) * n)))));

  it('matches ml-matrix factor, solve and log-determinant', () => {
    const c = Cholesky.factor(K, n);
    const L = ref.lowerTriangularMatrix;
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) expect(c.L[i * c.cap + j]).toBeCloseTo(L.get(i, j), 10);
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const x = c.solve(Float64Array.from(b));
    const xr = ref.solve(Matrix.columnVector(Array.from(b)));
    for (let i = 0; i < n; i++) expect(x[i]).toBeCloseTo(xr.get(i, 0), 10);
    let logdet = 0;
    for (let i = 0; i < n; i++) logdet += 2 * Math.log(L.get(i, i));
    expect(c.logDet()).toBeCloseTo(logdet, 10);
  });

  it('rank-1 appends reproduce the full factorization bit for bit', () => {
    const full = Cholesky.factor(K, n);
    const inc = Cholesky.empty(2);
    for (let i = 0; i < n; i++) expect(inc.append(K.subarray(i * n, i * n + i), K[i * n + i])).toBe(true);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) expect(inc.L[i * inc.cap + j]).toBe(full.L[i * full.cap + j]);
  });

  it('inverse times K is the identity; multi-RHS solve equals single solves', () => {
    const c = Cholesky.factor(K, n);
    const inv = c.inverse();
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += inv[i * n + k] * K[k * n + j];
      expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
    }
    const m = 3;
    const B = Float64Array.from({ length: n * m }, (_, i) => Math.cos(i));
    const lower = c.solveLowerMany(Float64Array.from(B), m);
    const upper = c.solveUpperMany(Float64Array.from(B), m);
    for (let col = 0; col < m; col++) {
      const column = (): Float64Array => Float64Array.from({ length: n }, (_, i) => B[i * m + col]);
      const l = c.solveLower(column());
      const u = c.solveUpper(column());
      for (let i = 0; i < n; i++) {
        expect(lower[i * m + col]).toBeCloseTo(l[i], 12);
        expect(upper[i * m + col]).toBeCloseTo(u[i], 12);
      }
    }
  });

  it('escalates jitter on a singular matrix and refuses a non-PD append', () => {
    const S = new Float64Array([1, 1, 1, 1]);
    const c = Cholesky.factor(S, 2);
    expect(c.jitter).toBeGreaterThan(0);
    const e = Cholesky.empty(2);
    expect(e.append([], 1)).toBe(true);
    expect(e.append([1], 1)).toBe(false);
    expect(e.n).toBe(1);
  });
});
