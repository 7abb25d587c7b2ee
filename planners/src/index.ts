/**
 * @packageDocumentation
 * Planners: deterministic experiment planners for the self-driving lab. A planner is a pure
 * function of (search space, observations, pending points, seed); `toJSON()` / `restorePlanner()`
 * round-trip it exactly.
 *
 * Kinds (`PlannerConfig.kind`):
 * - `'gp-ei'` (default choice): GP + log expected improvement (LogEI). Target objectives use
 *   LogEI of the distance to the target.
 * - `'gp-ucb'`: GP + upper confidence bound (option `beta`, default 2).
 * - `'gp-pi'`: GP + log probability of improvement.
 * - `'gp-nei'`: GP + log noisy expected improvement (qLogNEI, quasi-Monte-Carlo over the joint
 *   posterior of the measured points): use when measurements are noisy.
 * - `'active-learning'`: GP + posterior variance (uncertainty sampling, default) or, with option
 *   `acquisition: 'integrated-variance'`, the reduction of the posterior variance integrated over
 *   the candidates (or a 1024-point Sobol discretization of a continuous space). Learns the whole
 *   response surface rather than its optimum.
 * - `'ehvi'` (2-3 objectives): one GP per objective + log expected hypervolume improvement
 *   (exact box decomposition). Option `referencePoint` (array or record by objective name, in the
 *   objectives' units; for target objectives a distance), default nadir - 10% of the range.
 * - `'parego'` (2-3 objectives): random augmented Chebyshev scalarizations (one per batch point),
 *   log expected improvement by quasi-Monte-Carlo over the objectives' posteriors.
 * - `'sobol'`: centre point then scrambled Sobol forever (space-filling baseline).
 * - `'random'`: initial design then uniform random points (baseline, not Bayesian optimization).
 *
 * Options (`PlannerConfig.options`, all optional):
 * - every kind: `initialDesign` (default max(5, 2 x parameters)), `design` ('sobol' | 'lhs'),
 *   `centrePoint` (default true: the design starts at the centre of the feasible set).
 * - GP kinds: `kernel` ('matern52' | 'rbf'), `rawSamples` (1024), `restarts` (20), `maxIter` (200),
 *   `refitEvery` ('auto' | k), `fitSubsample` (200), `minNoise` (1e-6, standardized units),
 *   `beta` (2), `mcSamples` (128), `feasibilityModel` (true: failed experiments teach a
 *   success-probability model that weighs the acquisition).
 *
 * Steering: tell a person's experiment like any other; `exclude(id)`; `updateSpace(space)` keeps the
 * model while bounds/constraints change; `ask(k, { fixed })` holds parameters; `ask(k, { pending })`
 * fantasizes running experiments.
 */
import { resolveCommon, resolveGp } from './options';
import { BasePlanner } from './planners/base';
import { BayesPlanner } from './planners/bayes';
import { RandomPlanner, SobolPlanner } from './planners/baseline';
import { MultiObjectivePlanner } from './planners/multi';
import { PlannerConfig, PlannerState, SteerablePlanner } from './types';
import { validatePlannerConfig } from './validate';

export * from './types';
export { PLANNERS_VERSION } from './version';
export { validatePlannerConfig, PLANNER_KINDS } from './validate';
export { constraintViolation } from './space';
export { hypervolume, paretoIndices } from './pareto';

function build(config: PlannerConfig): BasePlanner {
  const errors = validatePlannerConfig(config);
  if (errors.length > 0) throw new Error(`invalid planner config: ${errors.join('; ')}`);
  const nParams = config.space.parameters.length;
  switch (config.kind) {
    case 'gp-ei':
      return new BayesPlanner(config, resolveGp(config.options, nParams), 'logei');
    case 'gp-ucb':
      return new BayesPlanner(config, resolveGp(config.options, nParams), 'ucb');
    case 'gp-pi':
      return new BayesPlanner(config, resolveGp(config.options, nParams), 'logpi');
    case 'gp-nei':
      return new BayesPlanner(config, resolveGp(config.options, nParams), 'qlognei');
    case 'active-learning':
      return new BayesPlanner(config, resolveGp(config.options, nParams), config.options?.acquisition === 'integrated-variance' ? 'integrated-variance' : 'variance');
    case 'parego':
      return new MultiObjectivePlanner(config, resolveGp(config.options, nParams), 'parego');
    case 'ehvi':
      return new MultiObjectivePlanner(config, resolveGp(config.options, nParams), 'ehvi');
    case 'sobol':
      return new SobolPlanner(config, resolveCommon(config.options, nParams));
    case 'random':
      return new RandomPlanner(config, resolveCommon(config.options, nParams));
    default:
      throw new Error(`planner kind '${config.kind}' is not implemented`);
  }
}

/** Create a planner; throws with the validatePlannerConfig messages when the config is invalid. */
export function createPlanner(config: PlannerConfig): SteerablePlanner {
  return build(config);
}

/** Rebuild a planner from `toJSON()` output: its next `ask` equals the original's. */
export function restorePlanner(state: PlannerState): SteerablePlanner {
  const planner = build(state.config);
  planner.load(state);
  return planner;
}
