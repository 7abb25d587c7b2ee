import { designExplanation } from '../explain';
import { Rng, mixSeed } from '../rng';
import { Proposal } from '../types';
import { AskContext, BasePlanner } from './base';

/** 'sobol': the initial design continued forever (centre point, then scrambled Sobol). */
export class SobolPlanner extends BasePlanner {
  protected propose(k: number, ctx: AskContext): Proposal[] {
    return this.designProposals(k, ctx);
  }
}

/**
 * 'random': the initial design, then independent uniform draws from the feasible set (rejection
 * sampling under constraints, hit-and-run when the feasible set is a tiny part of the box).
 * Not Bayesian optimization: a baseline.
 */
export class RandomPlanner extends BasePlanner {
  protected propose(k: number, ctx: AskContext): Proposal[] {
    const rng = new Rng(mixSeed(ctx.seed, 0x7a4d));
    const out: Proposal[] = [];
    if (this.candidates) {
      const allowed = this.allowedCandidates(ctx);
      rng.shuffle(allowed);
      for (const i of allowed.slice(0, k)) {
        out.push({ point: structuredClone(this.candidates.points[i]), predicted: {}, acquisition: 0, explanation: designExplanation(this.space, `random search: candidate ${i}`) });
      }
      return out;
    }
    while (out.length < k) {
      const x = ctx.domain.sample(1, rng.nextU32())[0];
      const fx = ctx.domain.finalize(x);
      if (!fx) continue;
      out.push({
        point: this.decode(fx, ctx.fixed),
        predicted: {},
        acquisition: 0,
        explanation: designExplanation(this.space, 'random search: uniform draw'),
      });
    }
    return out;
  }
}
