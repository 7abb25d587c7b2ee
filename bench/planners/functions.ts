/**
 * Standard test functions (minimization) with their literature optima, as used by the Ax/BoTorch
 * benchmarks. Inputs are arrays in the function's own domain.
 */
export interface TestFunction {
  name: string;
  bounds: [number, number][];
  optimum: number;
  /** A representative "worst" value used to express the 1%-of-range threshold. */
  evaluate(x: number[]): number;
}

const branin = (x: number[]): number => {
  const [x1, x2] = x;
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
};

const H3_A = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]];
const H3_P = [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]].map((r) => r.map((v) => v * 1e-4));
const H6_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((r) => r.map((v) => v * 1e-4));
const ALPHA = [1, 1.2, 3, 3.2];

function hartmann(x: number[], A: number[][], P: number[][]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let e = 0;
    for (let j = 0; j < x.length; j++) e += A[i][j] * (x[j] - P[i][j]) ** 2;
    s += ALPHA[i] * Math.exp(-e);
  }
  return -s;
}

function ackley(x: number[]): number {
  const d = x.length;
  const s1 = x.reduce((a, v) => a + v * v, 0);
  const s2 = x.reduce((a, v) => a + Math.cos(2 * Math.PI * v), 0);
  return -20 * Math.exp(-0.2 * Math.sqrt(s1 / d)) - Math.exp(s2 / d) + 20 + Math.E;
}

function levy(x: number[]): number {
  const w = x.map((v) => 1 + (v - 1) / 4);
  const d = x.length;
  let s = Math.sin(Math.PI * w[0]) ** 2;
  for (let i = 0; i < d - 1; i++) s += (w[i] - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w[i] + 1) ** 2);
  s += (w[d - 1] - 1) ** 2 * (1 + Math.sin(2 * Math.PI * w[d - 1]) ** 2);
  return s;
}

function rosenbrock(x: number[]): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
  return s;
}

export const FUNCTIONS: Record<string, TestFunction> = {
  branin: { name: 'Branin', bounds: [[-5, 10], [0, 15]], optimum: 0.397887, evaluate: branin },
  hartmann3: { name: 'Hartmann3', bounds: [[0, 1], [0, 1], [0, 1]], optimum: -3.86278, evaluate: (x) => hartmann(x, H3_A, H3_P) },
  hartmann6: { name: 'Hartmann6', bounds: Array.from({ length: 6 }, () => [0, 1] as [number, number]), optimum: -3.32237, evaluate: (x) => hartmann(x, H6_A, H6_P) },
  ackley4: { name: 'Ackley4', bounds: Array.from({ length: 4 }, () => [-32.768, 32.768] as [number, number]), optimum: 0, evaluate: ackley },
  levy4: { name: 'Levy4', bounds: Array.from({ length: 4 }, () => [-10, 10] as [number, number]), optimum: 0, evaluate: levy },
  rosenbrock4: { name: 'Rosenbrock4', bounds: Array.from({ length: 4 }, () => [-5, 10] as [number, number]), optimum: 0, evaluate: rosenbrock },
};

/** BraninCurrin on [0,1]^2, both minimized (BoTorch's definition; reference point [18, 6]). */
export function braninCurrin(x: number[]): [number, number] {
  const [u, v] = x;
  const b = branin([15 * u - 5, 15 * v]);
  const u0 = Math.max(u, 1e-12);
  const currin = ((1 - Math.exp(-1 / (2 * v))) * (2300 * u0 ** 3 + 1900 * u0 ** 2 + 2092 * u0 + 60)) / (100 * u0 ** 3 + 500 * u0 ** 2 + 4 * u0 + 20);
  return [b, currin];
}
