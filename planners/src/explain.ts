import { GaussianProcess } from './gp';
import { EncodedSpace } from './space';
import { Explanation } from './types';

/** Input relevance from ARD lengthscales: 1/l summed over a parameter's encoded columns, normalized. */
export function relevanceFromLengthscales(space: EncodedSpace, logLengthscales: readonly number[] | null): Record<string, number> {
  const raw = space.params.map((p) => {
    if (!logLengthscales) return 1;
    let s = 0;
    for (let j = 0; j < p.width; j++) s += Math.exp(-logLengthscales[p.offset + j]);
    return s;
  });
  const total = raw.reduce((a, b) => a + b, 0) || 1;
  return Object.fromEntries(space.params.map((p, i) => [p.spec.name, raw[i] / total]));
}

/** Relevance of named model inputs (candidate features) from their lengthscales, normalized. */
export function relevanceByInput(names: readonly string[], logLengthscales: readonly number[]): Record<string, number> {
  const raw = names.map((_, j) => Math.exp(-logLengthscales[j]));
  const total = raw.reduce((a, b) => a + b, 0) || 1;
  return Object.fromEntries(names.map((n, j) => [n, raw[j] / total]));
}

/**
 * Observations that weigh most on the posterior mean at x: the kriging weights K^{-1} k(X, x),
 * reported as shares of their total absolute value, heaviest first.
 */
export function influentialObservations(gp: GaussianProcess, ids: readonly string[], x: ArrayLike<number>, top = 5): { id: string; weight: number }[] {
  if (gp.n === 0) return [];
  const w = gp.weights(x);
  let total = 0;
  for (let i = 0; i < ids.length; i++) total += Math.abs(w[i]);
  if (!(total > 0)) return [];
  return ids
    .map((id, i) => ({ id, weight: Math.abs(w[i]) / total }))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, top);
}

/**
 * Split of an acquisition value into exploitation and exploration: a two-player Shapley value of
 * moving from a typical point of the domain to the proposal. `value(meanOfProposal, sdOfProposal)`
 * evaluates the acquisition with each player's posterior taken at the proposal (true) or at the
 * typical point (false). The mean's contribution is exploitation, the uncertainty's exploration.
 */
export function shapleySplit(value: (proposalMean: boolean, proposalSd: boolean) => number): { exploitShare: number; exploreShare: number } {
  const a = value(true, true);
  const a0 = value(false, false);
  const aMu = value(true, false);
  const aSigma = value(false, true);
  const exploit = 0.5 * (aMu - a0 + (a - aSigma));
  const explore = 0.5 * (aSigma - a0 + (a - aMu));
  return shares(Math.max(0, exploit), Math.max(0, explore));
}

/** shapleySplit for a utility of one posterior mean and sd. */
export function shapleyShares(utility: (mu: number, sigma: number) => number, mu: number, sigma: number, mu0: number, sigma0: number): { exploitShare: number; exploreShare: number } {
  return shapleySplit((m, s) => utility(m ? mu : mu0, s ? sigma : sigma0));
}

export function shares(exploit: number, explore: number): { exploitShare: number; exploreShare: number } {
  const total = exploit + explore;
  if (!(total > 0)) return { exploitShare: 0, exploreShare: 1 };
  return { exploitShare: exploit / total, exploreShare: explore / total };
}

/** Explanation of a model-free proposal (design, Sobol, random): pure exploration, uniform relevance. */
export function designExplanation(space: EncodedSpace, reason: string): Explanation {
  return { exploitShare: 0, exploreShare: 1, relevance: relevanceFromLengthscales(space, null), influential: [], feasibility: 1, reason };
}
