import { describe, expect, it } from 'vitest';
import { Domain } from './domain';
import { Rng } from './rng';
import { constraintViolation, EncodedSpace } from './space';
import { SearchSpaceSpec } from './types';

const composition: SearchSpaceSpec = {
  parameters: [
    { name: 'a', type: 'continuous', lower: 0, upper: 1 },
    { name: 'b', type: 'continuous', lower: 0, upper: 1 },
    { name: 'c', type: 'continuous', lower: 0, upper: 1 },
    { name: 'temp', type: 'continuous', lower: 20, upper: 200 },
    { name: 'n', type: 'integer', lower: 1, upper: 6 },
    { name: 'solvent', type: 'categorical', values: ['water', 'ethanol', 'dmso'] },
  ],
  constraints: [
    { coefficients: { a: 1, b: 1, c: 1 }, op: '=', rhs: 1 },
    { coefficients: { a: 1, b: -1 }, op: '>=', rhs: 0.1 },
    { coefficients: { temp: 1, n: 20 }, op: '<=', rhs: 210 },
  ],
};

describe('Domain', () => {
  const space = new EncodedSpace(composition);
  const domain = new Domain(space);

  it('removes the equality constraint exactly: one reduced dimension less', () => {
    expect(domain.infeasible).toBeNull();
    expect(domain.k).toBe(4); // a, b, c, temp, n minus one equality
  });

  it('samples, centres and finalizes feasible points within 1e-9', () => {
    for (const x of domain.sample(200, 3)) {
      const fx = domain.finalize(x);
      expect(fx).not.toBeNull();
      expect(constraintViolation(composition, space.decode(fx!))).toBeLessThanOrEqual(1e-9);
    }
    const c = space.decode(domain.finalize(domain.centre(1))!);
    expect(constraintViolation(composition, c)).toBeLessThanOrEqual(1e-9);
  });

  it('projects arbitrary points onto the feasible set', () => {
    const rng = new Rng(5);
    for (let i = 0; i < 50; i++) {
      const z = Float64Array.from({ length: domain.k }, () => 3 * rng.normal());
      expect(domain.projectZ(z)).toBe(true);
      expect(domain.polytope!.maxViolation(z)).toBeLessThanOrEqual(1e-12);
      const x = domain.assemble(z, [rng.int(3)]);
      const ax = x[0] + x[1] + x[2];
      expect(Math.abs(ax - 1)).toBeLessThan(1e-12);
    }
  });

  it('projection is the Euclidean one: a feasible point is unchanged, and the KKT point is found', () => {
    const box = new Domain(new EncodedSpace({ parameters: [{ name: 'u', type: 'continuous', lower: 0, upper: 1 }, { name: 'v', type: 'continuous', lower: 0, upper: 1 }], constraints: [{ coefficients: { u: 1, v: 1 }, op: '<=', rhs: 1 }] }));
    const z = Float64Array.from([1, 1]);
    box.projectZ(z);
    expect(z[0]).toBeCloseTo(0.5, 12);
    expect(z[1]).toBeCloseTo(0.5, 12);
    const inside = Float64Array.from([0.2, 0.3]);
    box.projectZ(inside);
    expect(Array.from(inside)).toEqual([0.2, 0.3]);
  });

  it('fixed features become constants and can make constraints infeasible', () => {
    const d = new Domain(space, { a: 0.5, solvent: 'dmso' });
    expect(d.k).toBe(3);
    for (const x of d.sample(20, 1)) {
      const p = space.decode(d.finalize(x)!);
      expect(p.a).toBe(0.5);
      expect(p.solvent).toBe('dmso');
    }
    expect(new Domain(space, { a: 0.2, b: 0.5 }).infeasible).not.toBeNull();
  });

  it('repairs integer rounding under an equality over integers only', () => {
    const ints: SearchSpaceSpec = {
      parameters: [
        { name: 'p', type: 'integer', lower: 0, upper: 10 },
        { name: 'q', type: 'integer', lower: 0, upper: 10 },
      ],
      constraints: [{ coefficients: { p: 1, q: 1 }, op: '=', rhs: 7 }],
    };
    const s = new EncodedSpace(ints);
    const d = new Domain(s);
    for (const x of d.sample(30, 2)) {
      const p = s.decode(d.finalize(x)!);
      expect(Number(p.p) + Number(p.q)).toBe(7);
    }
  });
});
