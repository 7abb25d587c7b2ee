/**
 * Public contract of the planners library. Pure data: every type here is JSON-serializable so a
 * planner can be rebuilt from the database and give the same next proposal.
 */

/** A parameter's value: numbers for continuous, integer and ordinal; strings for categorical. */
export type ParamValue = number | string;

/** One experiment's inputs, keyed by parameter name. */
export type Point = Record<string, ParamValue>;

export type ParameterSpec =
  | { name: string; type: 'continuous'; lower: number; upper: number; scale?: 'linear' | 'log' }
  | { name: string; type: 'integer'; lower: number; upper: number }
  | { name: string; type: 'ordinal'; values: number[] }
  | { name: string; type: 'categorical'; values: string[] };

/** sum(coefficients[name] * point[name]) op rhs, over numeric parameters. */
export interface LinearConstraint {
  coefficients: Record<string, number>;
  op: '<=' | '>=' | '=';
  rhs: number;
}

/**
 * One point of a finite candidate set (e.g. a pixel of a microscope image). When every candidate
 * has `features`, the model sees those feature vectors instead of the parameters.
 */
export interface Candidate {
  point: Point;
  features?: number[];
}

export interface SearchSpaceSpec {
  parameters: ParameterSpec[];
  constraints?: LinearConstraint[];
  /** Candidate-set mode: proposals are chosen (exhaustively) from this finite list. */
  candidates?: Candidate[];
}

export interface ObjectiveSpec {
  name: string;
  direction: 'maximize' | 'minimize' | 'target';
  /** Required when direction is 'target': the planner minimizes |value - target|. */
  target?: number;
}

export interface Observation {
  /** Stable id (the experiment id), used in explanations and exclusions. */
  id: string;
  point: Point;
  /** Measured objective values by objective name; absent when the experiment failed. */
  values?: Record<string, number>;
  /** Measurement variance per objective when the instrument reports it. */
  noiseVar?: Record<string, number>;
  /** A failed experiment is data: it teaches the feasibility model. */
  failed?: boolean;
}

export interface Explanation {
  /** Share of the acquisition value due to predicted mean (exploit) vs uncertainty (explore); sums to 1. */
  exploitShare: number;
  exploreShare: number;
  /** Relevance of each input, from the kernel lengthscales, normalized to sum 1. */
  relevance: Record<string, number>;
  /** Past observations that weigh most on the prediction at this point, heaviest first. */
  influential: { id: string; weight: number }[];
  /** Probability that the experiment succeeds, from the feasibility model (1 when none). */
  feasibility: number;
  /** Free text a PI can read, e.g. "initial design: Sobol point 3 of 6". */
  reason: string;
}

export interface Proposal {
  point: Point;
  /** Posterior prediction per objective, in the objective's own units. */
  predicted: Record<string, { mean: number; sd: number }>;
  acquisition: number;
  explanation: Explanation;
}

export interface AskOptions {
  /** Experiments proposed earlier and still running: treated as fantasies. */
  pending?: Point[];
  /** Parameters held at a value for this ask. */
  fixed?: Partial<Point>;
}

export interface PlannerConfig {
  /** e.g. 'gp-ei' (default), 'sobol', 'random'; the library documents the full list. */
  kind: string;
  space: SearchSpaceSpec;
  objectives: ObjectiveSpec[];
  seed: number;
  /** Kind-specific options (initial design size, kernel, acquisition, ...). */
  options?: Record<string, unknown>;
}

/** Serialized planner: config plus everything told so far. `restorePlanner(state)` asks the same next point. */
export interface PlannerState {
  version: string;
  config: PlannerConfig;
  observations: Observation[];
  excluded: string[];
  /** Kind-specific serialized internals (RNG position, cached hyperparameters, ...). */
  internals?: unknown;
}

export interface Planner {
  readonly config: PlannerConfig;
  ask(k: number, opts?: AskOptions): Proposal[];
  tell(observations: Observation[]): void;
  /** Remove an observation from the model (kept in state, marked excluded). */
  exclude(observationId: string): void;
  toJSON(): PlannerState;
}

/** What every planner returned by createPlanner offers beyond the base contract. */
export interface SteerablePlanner extends Planner {
  /**
   * Change bounds, constraints or candidates mid-campaign. The model (observations and
   * hyperparameters, rescaled to the new bounds) is kept; only the space changes.
   */
  updateSpace(space: SearchSpaceSpec): void;
  /** Refit the model's hyperparameters now (e.g. while the instrument is busy), off the ask hot path. */
  refit(): void;
  /**
   * The best point measured so far: by posterior mean for model-based kinds (robust to noise),
   * by observed value otherwise. Null before any successful observation.
   */
  recommend(): Proposal | null;
  /**
   * Posterior mean and sd of the (first) objective at each point, for maps of what the model
   * believes; null when the kind has no model or too few observations.
   */
  predict(points: Point[]): { mean: number; sd: number }[] | null;
  /** Non-dominated successful observations (multi-objective); with one objective, the best one. */
  paretoFront(): Observation[];
}
