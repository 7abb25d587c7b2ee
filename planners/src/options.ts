import { KernelKind } from './kernel';

/** Options shared by every kind (all optional in PlannerConfig.options). */
export interface CommonOptions {
  /** Size of the initial design (centre point + scrambled Sobol). Default max(5, 2 * parameters). */
  initialDesign: number;
  /** 'sobol' (default) or 'lhs' (Latin hypercube; box-shaped spaces only, Sobol otherwise). */
  design: 'sobol' | 'lhs';
  /** Whether the design starts with the centre of the feasible set (default true). */
  centrePoint: boolean;
}

/** Options of the GP-based kinds. */
export interface GpOptions extends CommonOptions {
  kernel: KernelKind;
  /** Sobol raw samples scored before L-BFGS (BoTorch: 1024). */
  rawSamples: number;
  /** L-BFGS restarts (BoTorch: 20). */
  restarts: number;
  /** L-BFGS iterations per restart. */
  maxIter: number;
  /** Refit hyperparameters every k observations, or 'auto' (every one below 50, then as the data grows by 2.5%; 25% for active learning). */
  refitEvery: number | 'auto';
  /** Hyperparameters are fitted on at most this many observations (seeded random subset). */
  fitSubsample: number;
  /** Lower bound of the learned noise variance in standardized units. */
  minNoise: number;
  /** UCB exploration weight (acquisition 'ucb'). */
  beta: number;
  /** Quasi-Monte-Carlo samples for qLogNEI / EHVI fantasies. */
  mcSamples: number;
  /** Learn where experiments fail and weigh the acquisition by P(success). Default true. */
  feasibilityModel: boolean;
  /**
   * 'auto' (default): single-objective optimization may model a shifted log of the objective when
   * its marginal likelihood says so (multiplicative noise; warp.ts). 'none': model it as it is.
   */
  outputWarp: 'auto' | 'none';
  /**
   * Single-objective optimization: state predictions from a mixture over the noise level while
   * the data are few (marginal.ts) instead of the MAP fit alone. Default true.
   */
  noiseMixture: boolean;
  /** Single-objective optimization: widen stated predictions by the one-step-ahead record (model.ts). Default true. */
  recalibrate: boolean;
}

const DEFAULT_GP: Omit<GpOptions, 'initialDesign'> = {
  design: 'sobol',
  centrePoint: true,
  kernel: 'rbf',
  rawSamples: 1024,
  restarts: 20,
  maxIter: 200,
  refitEvery: 'auto',
  fitSubsample: 200,
  minNoise: 1e-6,
  beta: 2,
  mcSamples: 128,
  feasibilityModel: true,
  outputWarp: 'auto',
  noiseMixture: true,
  recalibrate: true,
};

function num(o: Record<string, unknown>, key: string, fallback: number): number {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function defaultDesignSize(parameterCount: number): number {
  return Math.max(5, 2 * parameterCount);
}

export function resolveCommon(options: Record<string, unknown> | undefined, parameterCount: number): CommonOptions {
  const o = options ?? {};
  return {
    initialDesign: Math.max(0, Math.floor(num(o, 'initialDesign', defaultDesignSize(parameterCount)))),
    design: o.design === 'lhs' ? 'lhs' : 'sobol',
    centrePoint: o.centrePoint !== false,
  };
}

export function resolveGp(options: Record<string, unknown> | undefined, parameterCount: number): GpOptions {
  const o = options ?? {};
  const refit = o.refitEvery;
  return {
    ...DEFAULT_GP,
    ...resolveCommon(o, parameterCount),
    kernel: o.kernel === 'matern52' ? 'matern52' : 'rbf',
    rawSamples: Math.max(1, Math.floor(num(o, 'rawSamples', DEFAULT_GP.rawSamples))),
    restarts: Math.max(1, Math.floor(num(o, 'restarts', DEFAULT_GP.restarts))),
    maxIter: Math.max(1, Math.floor(num(o, 'maxIter', DEFAULT_GP.maxIter))),
    refitEvery: typeof refit === 'number' && refit >= 1 ? Math.floor(refit) : 'auto',
    fitSubsample: Math.max(10, Math.floor(num(o, 'fitSubsample', DEFAULT_GP.fitSubsample))),
    minNoise: Math.max(1e-10, num(o, 'minNoise', DEFAULT_GP.minNoise)),
    beta: Math.max(0, num(o, 'beta', DEFAULT_GP.beta)),
    mcSamples: Math.max(8, Math.floor(num(o, 'mcSamples', DEFAULT_GP.mcSamples))),
    feasibilityModel: o.feasibilityModel !== false,
    outputWarp: o.outputWarp === 'none' ? 'none' : 'auto',
    noiseMixture: o.noiseMixture !== false,
    recalibrate: o.recalibrate !== false,
  };
}
