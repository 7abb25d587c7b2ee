/**
 * @packageDocumentation
 * Planners: deterministic experiment planners for the self-driving lab. A planner is a pure
 * function of (search space, observations, pending points, seed, serialized internals): nothing
 * depends on wall-clock time or on how often `ask` was called, and `restorePlanner(planner.toJSON())`
 * asks exactly the same next points. Two asks without a tell in between return the same points
 * unless the first ones are passed as `pending`.
 *
 * Kinds (`PlannerConfig.kind`):
 * - `'gp-ei'` (the default choice): GP + log expected improvement (LogEI). Target objectives use
 *   LogEI of the distance to the target (closed form).
 * - `'gp-nei'`: GP + log noisy expected improvement (qLogNEI, quasi-Monte-Carlo over the joint
 *   posterior of the measured points): use when measurements are noisy. (In candidate-set mode it
 *   falls back to LogEI over the best posterior mean.)
 * - `'gp-ucb'`: GP + upper confidence bound mu + sqrt(beta) sigma (option `beta`, default 2).
 * - `'gp-pi'`: GP + log probability of improvement.
 * - `'active-learning'`: GP + posterior variance (uncertainty sampling, default) or, with option
 *   `acquisition: 'integrated-variance'`, the reduction of the posterior variance integrated over
 *   the candidates (or a 1024-point Sobol discretization of a continuous space). Learns the whole
 *   response surface rather than its optimum. Refits as the data grows by 25%, or on `refit()`.
 * - `'ehvi'` (2-3 objectives): one GP per objective + log expected hypervolume improvement
 *   (exact box decomposition). Option `referencePoint` (array or record by objective name, in the
 *   objectives' units; for target objectives a distance), default nadir - 10% of the range.
 * - `'parego'` (2-3 objectives): random augmented Chebyshev scalarizations (one per batch point),
 *   log expected improvement by quasi-Monte-Carlo over the objectives' posteriors.
 * - `'sobol'`: the initial design continued forever (space-filling baseline).
 * - `'random'`: the initial design, then uniform random points (a baseline, not Bayesian
 *   optimization; `initialDesign: 0` gives plain random search).
 *
 * Options (`PlannerConfig.options`, all optional):
 * - every kind: `initialDesign` (default max(5, 2 x parameters)), `design` ('sobol' | 'lhs'),
 *   `centrePoint` (default true: the design starts at the centre of the feasible set).
 * - GP kinds: `kernel` ('rbf' default, as BoTorch 2025 | 'matern52'), `rawSamples` (1024),
 *   `restarts` (20), `maxIter` (200), `refitEvery` ('auto' | k), `fitSubsample` (200),
 *   `minNoise` (1e-6, standardized units), `beta` (2), `mcSamples` (128), `feasibilityModel`
 *   (true: failed experiments teach a success-probability model that weighs the acquisition).
 * - Stated predictions (`Proposal.predicted`, `predict()`) of single-objective optimization come
 *   from a second model on the same data (the acquisition's is unchanged by these options):
 *   `outputWarp` ('auto': a shifted log or square root of the objective when its marginal
 *   likelihood is higher, i.e. noise that grows with the level | 'none'), `noiseMixture` (true: a
 *   mixture over the noise level while there are at most 60 observations) and `recalibrate`
 *   (true: the sd is scaled by the record of its own one-step-ahead errors). See predictor.ts.
 * - `travelCost` ({ x, y, distancePerMeasurement }; gp-ei, gp-pi, gp-nei, active-learning, candidate
 *   sets): the acquisition becomes per unit cost, log acquisition - log(1 + d / distancePerMeasurement)
 *   with d the distance from the last measured (or pending) location, so a probe does not cross
 *   the sample for a marginal gain.
 *
 * Search spaces: continuous (linear or log scale), integer, ordinal and categorical parameters;
 * linear equality/inequality constraints over non-log numeric parameters (every proposal satisfies
 * them within 1e-9); candidate-set mode (`space.candidates`, optionally with feature vectors).
 *
 * Steering: tell a person's experiment like any other; `exclude(id)`; `updateSpace(space)` keeps the
 * model while bounds/constraints/candidates change; `ask(k, { fixed })` holds parameters;
 * `ask(k, { pending })` fantasizes running experiments; `refit()` moves hyperparameter fitting off
 * the ask path; `recommend()` and `paretoFront()` report the best measured points.
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
