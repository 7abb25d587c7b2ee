import { mixSeed } from './rng';
import { Sobol } from './sobol';
import { constraintViolation, EncodedSpace } from './space';
import { Candidate, ParamValue, Point } from './types';

/**
 * Candidate-set mode: a finite list of points (e.g. pixels of an image). The model input of a
 * candidate is its feature vector (min-max scaled over the set) when features are given, otherwise
 * the usual unit-cube encoding of its parameters.
 */
export class CandidateSet {
  readonly points: Point[];
  readonly inputs: Float64Array[];
  readonly dim: number;
  readonly featureMode: boolean;
  /** Identity of each candidate (its parameter values), precomputed for fast membership tests. */
  readonly keys: string[];
  /** Whether each candidate satisfies the space's bounds and linear constraints. */
  readonly feasible: boolean[];
  private readonly index = new Map<string, number>();
  private readonly low: number[] = [];
  private readonly scale: number[] = [];
  private designOrder: number[] = [];

  constructor(
    readonly space: EncodedSpace,
    candidates: Candidate[],
  ) {
    this.points = candidates.map((c) => c.point);
    this.featureMode = candidates.length > 0 && candidates.every((c) => c.features !== undefined);
    if (this.featureMode) {
      const width = candidates[0].features!.length;
      for (let j = 0; j < width; j++) {
        const col = candidates.map((c) => c.features![j]);
        const lo = Math.min(...col);
        const hi = Math.max(...col);
        this.low.push(lo);
        this.scale.push(hi > lo ? hi - lo : 1);
      }
      this.inputs = candidates.map((c) => Float64Array.from(c.features!, (v, j) => (v - this.low[j]) / this.scale[j]));
      this.dim = width;
    } else {
      this.inputs = candidates.map((c) => space.encode(c.point));
      this.dim = space.dim;
    }
    this.keys = this.points.map((p) => this.key(p));
    this.keys.forEach((k, i) => {
      if (!this.index.has(k)) this.index.set(k, i);
    });
    this.feasible = this.points.map((p) => constraintViolation(space.spec, p) <= 1e-9);
  }

  get size(): number {
    return this.points.length;
  }

  key(point: Point): string {
    return JSON.stringify(this.space.params.map((p) => point[p.spec.name]));
  }

  indexOf(point: Point): number {
    return this.index.get(this.key(point)) ?? -1;
  }

  /** Model input of a point: its candidate's features, or its encoding; null if unknown in feature mode. */
  inputOf(point: Point): Float64Array | null {
    if (!this.featureMode) return this.space.encode(point);
    const i = this.indexOf(point);
    return i < 0 ? null : this.inputs[i];
  }

  /** Names of the model inputs, for relevance explanations. */
  inputNames(): string[] | null {
    return this.featureMode ? Array.from({ length: this.dim }, (_, j) => `feature${j}`) : null;
  }

  /** Indices of the candidates matching the fixed features. */
  matching(fixed: Partial<Point>): number[] {
    const entries = Object.entries(fixed).filter((e): e is [string, ParamValue] => e[1] !== undefined);
    const out: number[] = [];
    this.points.forEach((p, i) => {
      if (entries.every(([k, v]) => p[k] === v)) out.push(i);
    });
    return out;
  }

  /**
   * Space-filling order over the candidates: the one nearest the centroid first, then for each
   * scrambled Sobol point the nearest candidate not yet used.
   */
  designIndex(position: number, seed: number): number {
    if (this.designOrder.length === 0) {
      const centroid = new Float64Array(this.dim);
      for (const x of this.inputs) for (let d = 0; d < this.dim; d++) centroid[d] += x[d] / this.size;
      this.designOrder.push(this.nearest(centroid, new Set()));
    }
    const sobol = new Sobol(this.dim, mixSeed(seed, 0xca7d));
    const u = new Float64Array(this.dim);
    const used = new Set(this.designOrder);
    while (this.designOrder.length <= position && used.size < this.size) {
      sobol.point(this.designOrder.length - 1, u);
      const i = this.nearest(u, used);
      this.designOrder.push(i);
      used.add(i);
    }
    return this.designOrder[Math.min(position, this.designOrder.length - 1)];
  }

  private nearest(x: ArrayLike<number>, used: Set<number>): number {
    let best = -1;
    let bestD = Infinity;
    this.inputs.forEach((c, i) => {
      if (used.has(i)) return;
      let d2 = 0;
      for (let d = 0; d < this.dim; d++) d2 += (c[d] - x[d]) ** 2;
      if (d2 < bestD) {
        bestD = d2;
        best = i;
      }
    });
    return best;
  }
}
