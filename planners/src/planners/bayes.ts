import { logEi, logPi, logTargetEi, posteriorAcquisition, ucb, Utility, weightByFeasibility } from '../acquisition/analytic';
import { qLogNoisyEi } from '../acquisition/qlognei';
import { AcquisitionFn } from '../acquisition/types';
import { influentialObservations, relevanceFromLengthscales, shapleyShares } from '../explain';
import { logSuccessProbability, successProbability } from '../feasibility';
import { GaussianProcess } from '../gp';
import { Surrogate, SurrogateState, TrainingRow } from '../model';
import { optimizeAcquisition } from '../optimize';
import { GpOptions } from '../options';
import { mixSeed } from '../rng';
import { EncodedSpace } from '../space';
import { ObjectiveSpec, PlannerConfig, Proposal } from '../types';
import { AskContext, BasePlanner } from './base';
import { rescaleHyper } from './rescale';

/** Average posterior mean and sd over a sample of the domain: the reference for explanations. */
function typicalPosterior(gp: GaussianProcess, xs: Float64Array[]): { mean: number; sd: number } {
  let mean = 0;
  let sd = 0;
  for (const x of xs) {
    const p = gp.predict(x);
    mean += p.mean / xs.length;
    sd += Math.sqrt(p.variance) / xs.length;
  }
  return { mean, sd };
}

export type SingleObjectiveAcquisition = 'logei' | 'ucb' | 'logpi' | 'qlognei';

interface BayesInternals {
  objective: SurrogateState | null;
  feasibility: SurrogateState | null;
}

/**
 * Single-objective Bayesian optimization: GP surrogate (Matern-5/2 or RBF ARD, MAP hyperparameters)
 * + an analytic acquisition (LogEI, UCB, LogPI; target objectives use LogEI of the distance to the
 * target), weighted by the probability of success once experiments have failed. Pending points and
 * the earlier points of a batch are fantasized at their posterior mean (kriging believer), which
 * keeps the mean and shrinks the variance around them.
 */
export class BayesPlanner extends BasePlanner {
  private readonly objective: ObjectiveSpec;
  private readonly sign: number;
  private surrogate: Surrogate;
  private feasibility: Surrogate;

  constructor(
    config: PlannerConfig,
    private readonly opts: GpOptions,
    private readonly acquisition: SingleObjectiveAcquisition,
  ) {
    super(config, opts);
    this.objective = config.objectives[0];
    this.sign = this.objective.direction === 'minimize' ? -1 : 1;
    this.surrogate = this.newSurrogate(null);
    this.feasibility = this.newFeasibility(null);
  }

  private newSurrogate(state: SurrogateState | null): Surrogate {
    const o = this.opts;
    return new Surrogate({ kernel: o.kernel, refitEvery: o.refitEvery, fitSubsample: o.fitSubsample, minNoise: o.minNoise, standardize: true, seed: this.cfg.seed }, state);
  }

  private newFeasibility(state: SurrogateState | null): Surrogate {
    const o = this.opts;
    // Labels are +-1 and inherently noisy near the boundary: a noise floor keeps the classifier smooth.
    return new Surrogate({ kernel: o.kernel, refitEvery: o.refitEvery, fitSubsample: o.fitSubsample, minNoise: 1e-2, standardize: false, seed: mixSeed(this.cfg.seed, 0xfea5) }, state);
  }

  /** Successful, non-excluded observations of the objective, oriented for maximization. */
  private rows(): TrainingRow[] {
    const name = this.objective.name;
    const rows: TrainingRow[] = [];
    for (const o of this.active()) {
      const v = o.values?.[name];
      if (o.failed || v === undefined || !Number.isFinite(v)) continue;
      const y = this.objective.direction === 'target' ? v : this.sign * v;
      rows.push({ id: o.id, x: this.space.encode(o.point), y, noiseVar: o.noiseVar?.[name] });
    }
    return rows;
  }

  /** +-1 success labels, or null while nothing has failed (the model would be constant). */
  private feasibilityRows(): TrainingRow[] | null {
    if (!this.opts.feasibilityModel) return null;
    const act = this.active();
    const failed = (o: (typeof act)[number]): boolean => o.failed === true || o.values?.[this.objective.name] === undefined;
    if (!act.some(failed)) return null;
    return act.map((o) => ({ id: o.id, x: this.space.encode(o.point), y: failed(o) ? -1 : 1 }));
  }

  override refit(): void {
    const rows = this.rows();
    if (rows.length >= 2) this.surrogate.model(rows, true);
    const f = this.feasibilityRows();
    if (f) this.feasibility.model(f, true);
  }

  /** The measured point with the best posterior mean: robust to measurement noise. */
  override recommend(): Proposal | null {
    const rows = this.rows();
    if (rows.length < 2) return super.recommend();
    const gp = this.surrogate.model(rows);
    const means = gp.trainingMeans();
    let best = 0;
    for (let i = 1; i < rows.length; i++) {
      const better = this.objective.direction === 'target' ? Math.abs(means[i] - this.surrogate.scale(this.objective.target ?? 0)) < Math.abs(means[best] - this.surrogate.scale(this.objective.target ?? 0)) : means[i] > means[best];
      if (better) best = i;
    }
    const obs = this.active().find((o) => o.id === rows[best].id)!;
    const post = gp.predict(rows[best].x);
    const own = this.surrogate.unscale(post.mean, Math.sqrt(post.variance));
    const mean = this.objective.direction === 'target' ? own.mean : this.sign * own.mean;
    return {
      point: structuredClone(obs.point),
      predicted: { [this.objective.name]: { mean, sd: own.sd } },
      acquisition: 0,
      explanation: {
        exploitShare: 1,
        exploreShare: 0,
        relevance: relevanceFromLengthscales(this.space, gp.hyper.logLengthscales),
        influential: influentialObservations(gp, rows.map((r) => r.id), rows[best].x),
        feasibility: 1,
        reason: `recommendation: best posterior mean among measured points (observation ${obs.id}), ${this.objective.name} ${mean.toPrecision(5)} +- ${own.sd.toPrecision(3)}`,
      },
    };
  }

  protected propose(k: number, ctx: AskContext): Proposal[] {
    const rows = this.rows();
    const distinct = new Set(rows.map((r) => r.y)).size;
    if (rows.length < 2 || distinct < 2) {
      // Not enough information for a model yet: keep filling the space.
      return Array.from({ length: k }, (_, i) => this.designProposal(ctx.designIndex + i, ctx.domain, ctx.fixed));
    }
    const gp = this.surrogate.model(rows);
    const fRows = this.feasibilityRows();
    const feasGp = fRows ? this.feasibility.model(fRows) : null;
    const logFeas = feasGp ? logSuccessProbability(feasGp) : null;

    const fantasy = gp.clone(k + ctx.pending.length);
    for (const p of ctx.pending) {
      const x = this.space.encode(p);
      fantasy.add(x, fantasy.predict(x).mean);
    }
    const trainMeans = gp.trainingMeans();
    const best = Math.max(...trainMeans);
    const targetStd = this.objective.direction === 'target' ? this.surrogate.scale(this.objective.target ?? 0) : 0;
    const dBest = Math.min(...Array.from(trainMeans, (m) => Math.abs(m - targetStd)));
    const utility = this.utility(best, targetStd, dBest);

    const out: Proposal[] = [];
    for (let j = 0; j < k; j++) {
      const base =
        this.acquisition === 'qlognei' && this.objective.direction !== 'target'
          ? qLogNoisyEi(fantasy, rows.map((r) => r.x), { samples: this.opts.mcSamples, seed: mixSeed(ctx.seed, j, 0x4e1) })
          : posteriorAcquisition(fantasy, utility);
      const acq: AcquisitionFn = weightByFeasibility(base, logFeas, gp.dim, this.acquisition !== 'ucb');
      const res = optimizeAcquisition(acq, ctx.domain, {
        rawSamples: this.opts.rawSamples,
        restarts: this.opts.restarts,
        maxIter: this.opts.maxIter,
        seed: mixSeed(ctx.seed, j, 0xac9),
      });
      if (!res) {
        out.push(this.designProposal(ctx.designIndex + j, ctx.domain, ctx.fixed));
        continue;
      }
      out.push(this.explain(res.x, res.value, gp, rows, feasGp, utility, ctx));
      if (j < k - 1) fantasy.add(res.x, fantasy.predict(res.x).mean);
    }
    return out;
  }

  private utility(best: number, targetStd: number, dBest: number): Utility {
    if (this.objective.direction === 'target') return logTargetEi(targetStd, dBest);
    if (this.acquisition === 'ucb') return ucb(this.opts.beta);
    if (this.acquisition === 'logpi') return logPi(best);
    return logEi(best);
  }

  private explain(x: Float64Array, value: number, gp: GaussianProcess, rows: TrainingRow[], feasGp: GaussianProcess | null, utility: Utility, ctx: AskContext): Proposal {
    const post = gp.predict(x);
    const sigma = Math.sqrt(post.variance);
    const own = this.surrogate.unscale(post.mean, sigma);
    const name = this.objective.name;
    const predictedMean = this.objective.direction === 'target' ? own.mean : this.sign * own.mean;
    const typical = typicalPosterior(gp, ctx.domain.sample(64, mixSeed(ctx.seed, 0x7e)));
    const split = shapleyShares((m, s) => utility(m, s).value, post.mean, sigma, typical.mean, typical.sd);
    const feasibility = feasGp ? successProbability(feasGp, x) : 1;
    const label = { logei: 'log expected improvement', ucb: 'upper confidence bound', logpi: 'log probability of improvement', qlognei: 'log noisy expected improvement' }[this.acquisition];
    const pendingNote = ctx.pending.length > 0 ? `, ${ctx.pending.length} pending point(s) fantasized` : '';
    return {
      point: this.decode(x, ctx.fixed),
      predicted: { [name]: { mean: predictedMean, sd: own.sd } },
      acquisition: value,
      explanation: {
        ...split,
        relevance: relevanceFromLengthscales(this.space, gp.hyper.logLengthscales),
        influential: influentialObservations(gp, rows.map((r) => r.id), x),
        feasibility,
        reason: `Bayesian optimization (${label} ${value.toPrecision(4)}${pendingNote}): predicted ${name} ${predictedMean.toPrecision(5)} +- ${own.sd.toPrecision(3)}, ${Math.round(100 * split.exploreShare)}% exploration, P(success) ${feasibility.toFixed(2)}`,
      },
    };
  }

  protected override saveInternals(): BayesInternals {
    return { objective: structuredClone(this.surrogate.state), feasibility: structuredClone(this.feasibility.state) };
  }

  protected override loadInternals(internals: unknown): void {
    const i = (internals ?? {}) as Partial<BayesInternals>;
    this.surrogate = this.newSurrogate(i.objective ?? null);
    this.feasibility = this.newFeasibility(i.feasibility ?? null);
  }

  protected override onSpaceChanged(old: EncodedSpace): void {
    for (const s of [this.surrogate, this.feasibility]) {
      if (s.state) s.state = { ...s.state, hyper: rescaleHyper(s.state.hyper, old, this.space) };
      s.invalidate();
    }
  }
}
