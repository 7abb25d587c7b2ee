import { Domain } from './domain';
import { mixSeed, Rng } from './rng';

/**
 * Initial design: point 0 is the centre of the feasible set, then scrambled Sobol points (or a
 * Latin hypercube of `size` points on box-shaped domains). Indices beyond the design continue the
 * Sobol sequence, so a design can be extended without repeating points.
 */
export class InitialDesign {
  private sobolPool: Float64Array[] = [];
  private lhsPool: Float64Array[] | null = null;

  constructor(
    readonly domain: Domain,
    readonly seed: number,
    readonly size: number,
    readonly kind: 'sobol' | 'lhs',
    /** Start with the centre point (default); off, the design is Sobol/LHS only. */
    readonly centre = true,
  ) {}

  /** Encoded design point `index` (feasible, snapped); `label` says where it came from. */
  point(index: number): { x: Float64Array; label: string } {
    if (index === 0 && this.centre) {
      const c = this.domain.finalize(this.domain.centre(this.seed));
      if (c) return { x: c, label: 'centre point' };
    }
    const offset = this.centre ? 1 : 0;
    if (this.kind === 'lhs' && this.domain.isBox && index < this.size) {
      this.lhsPool ??= this.latinHypercube(Math.max(1, this.size - offset));
      const x = this.domain.finalize(this.lhsPool[(index - offset + this.lhsPool.length) % this.lhsPool.length]);
      if (x) return { x, label: 'Latin hypercube point' };
    }
    for (let j = Math.max(0, index - offset); ; j++) {
      if (j >= this.sobolPool.length) this.sobolPool = this.domain.sample(Math.max(2 * this.sobolPool.length, j + 16), this.seed);
      if (j >= this.sobolPool.length) throw new Error('could not sample the feasible set');
      const x = this.domain.finalize(this.sobolPool[j]);
      if (x) return { x, label: 'Sobol point' };
    }
  }

  private latinHypercube(n: number): Float64Array[] {
    const rng = new Rng(mixSeed(this.seed, 0x1a7));
    const { domain } = this;
    const k = domain.k;
    const perms = Array.from({ length: k }, () => rng.shuffle(Array.from({ length: n }, (_, i) => i)));
    return Array.from({ length: n }, (_, i) => {
      const z = Float64Array.from({ length: k }, (_, d) => (perms[d][i] + rng.next()) / n);
      const cats = domain.freeCats.map((q) => rng.int(q.width));
      return domain.assemble(z, cats);
    });
  }
}
