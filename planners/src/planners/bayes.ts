import { logEi, logPi, logTargetEi, logVariance, posteriorAcquisition, ucb, Utility, weightByFeasibility } from '../acquisition/analytic';
import { qLogNoisyEi } from '../acquisition/qlognei';
import { AcquisitionFn } from '../acquisition/types';
import { CandidatePosterior } from '../candidate-posterior';
import { influentialObservations, relevanceByInput, relevanceFromLengthscales, shapleyShares } from '../explain';
import { feasibilityRows, feasibilitySurrogate, logProbit, logSuccessProbability, successProbability } from '../feasibility';
import { GaussianProcess } from '../gp';
import { Surrogate, SurrogateState, TrainingRow } from '../model';
import { optimizeAcquisition } from '../optimize';
import { Predictor } from '../predictor';
import { GpOptions } from '../options';
import { mixSeed, Rng } from '../rng';
import { EncodedSpace } from '../space';
import { logTravelCost, TravelCost, travelCostOf } from '../travel';
import { Explanation, Observation, ObjectiveSpec, PlannerConfig, Point, Proposal } from '../types';
import { AskContext, BasePlanner } from './base';
import { rescaleHyper } from './rescale';

export type SingleObjectiveAcquisition = 'logei' | 'ucb' | 'logpi' | 'qlognei' | 'variance' | 'integrated-variance';

const LABELS: Record<SingleObjectiveAcquisition, string> = {
  logei: 'log expected improvement',
  ucb: 'upper confidence bound',
  logpi: 'log probability of improvement',
  qlognei: 'log noisy expected improvement',
  variance: 'log posterior variance',
  'integrated-variance': 'log integrated variance reduction',
};

interface Choice {
  point: Point;
  x: Float64Array;
  value: number;
}

/** Chooses the points of one batch in turn; close() releases per-ask state (fantasy rows). */
interface Picker {
  next(j: number): Choice | null;
  close(): void;
}

interface BayesInternals {
  objective: SurrogateState | null;
  feasibility: SurrogateState | null;
  /** The predictor's state; absent in states saved before it existed (it refits then). */
  predictor?: SurrogateState | null;
}

/** Integration points of integrated-variance active learning (a seeded subset of the candidates). */
const REFERENCE_POINTS = 256;

/**
 * Single-objective GP planner. Bayesian optimization (LogEI, UCB, LogPI, qLogNEI; target
 * objectives use LogEI of the distance to the target) or active learning (posterior variance,
 * integrated variance reduction), weighted by the probability of success once experiments have
 * failed. Pending points and earlier points of a batch are fantasized at their posterior mean
 * (kriging believer): the mean is unchanged and the variance shrinks around them.
 *
 * In candidate-set mode the acquisition is evaluated exhaustively over the candidates from an
 * incrementally updated posterior (O(n C) per new observation).
 */
export class BayesPlanner extends BasePlanner {
  private readonly objective: ObjectiveSpec;
  private readonly sign: number;
  private surrogate: Surrogate;
  /** States the predictions (`predicted`); null when it would be the acquisition's model itself. */
  private predictor: Predictor | null;
  private feasibility: Surrogate;
  private candidatePosterior: CandidatePosterior | null = null;
  private feasibilityPosterior: CandidatePosterior | null = null;
  private readonly travel: TravelCost | null;

  constructor(
    config: PlannerConfig,
    private readonly opts: GpOptions,
    private readonly acquisition: SingleObjectiveAcquisition,
  ) {
    super(config, opts);
    this.objective = config.objectives[0];
    this.sign = this.objective.direction === 'minimize' ? -1 : 1;
    this.surrogate = this.newSurrogate(null);
    this.predictor = this.newPredictor(null);
    this.feasibility = feasibilitySurrogate(this.opts, this.cfg.seed, null);
    this.travel = travelCostOf(config.options);
  }

  private get activeLearning(): boolean {
    return this.acquisition === 'variance' || this.acquisition === 'integrated-variance';
  }

  private newSurrogate(state: SurrogateState | null): Surrogate {
    const o = this.opts;
    return new Surrogate({ kernel: o.kernel, refitEvery: o.refitEvery, refitFraction: this.activeLearning ? 0.25 : 0.025, fitSubsample: o.fitSubsample, minNoise: o.minNoise, standardize: true, seed: this.cfg.seed }, state);
  }

  /**
   * The model behind the stated predictions of a single-objective optimization: the same rows and
   * refit schedule as the acquisition's model (whose unwarped fit it reuses), plus an output warp
   * chosen by the marginal likelihood, a mixture over the noise level and the one-step-ahead
   * recalibration (predictor.ts). The acquisition keeps its own model: the warp helps some benchmark
   * problems and hurts others (Branin), so it does not decide where to measure.
   * Target objectives and active learning keep stating their acquisition model's prediction.
   */
  private newPredictor(state: SurrogateState | null): Predictor | null {
    const o = this.opts;
    const optimizing = !this.activeLearning && this.objective.direction !== 'target';
    const warp = o.outputWarp === 'auto';
    if (!optimizing || !(warp || o.noiseMixture || o.recalibrate)) return null;
    return new Predictor({ ...this.surrogate.opts, warp, marginalize: o.noiseMixture, recalibrate: o.recalibrate }, state, this.surrogate);
  }

  /** Successful, non-excluded observations of the objective, oriented for maximization. */
  private rows(): TrainingRow[] {
    return this.active().flatMap((o) => this.rowOf(o) ?? []);
  }

  private rowOf(o: Observation): TrainingRow | null {
    const name = this.objective.name;
    const v = o.values?.[name];
    const x = this.inputOf(o.point);
    if (o.failed || v === undefined || !Number.isFinite(v) || !x) return null;
    const y = this.objective.direction === 'target' ? v : this.sign * v;
    return { id: o.id, x, y, noiseVar: o.noiseVar?.[name] };
  }

  /**
   * New results are first checked against what the predictor says about them now (its
   * one-step-ahead record, predictor.ts); before the first model there was no prediction to check.
   */
  override tell(observations: Observation[]): void {
    if (this.predictor?.state) {
      const known = new Set(this.observations.map((o) => o.id));
      const added = observations.filter((o) => !known.has(o.id) && !this.excluded.has(o.id)).flatMap((o) => this.rowOf(o) ?? []);
      const prior = this.rows();
      if (added.length > 0 && prior.length >= 2) this.predictor.recordResiduals(prior, added);
    }
    super.tell(observations);
  }

  private feasibilityRows(): TrainingRow[] | null {
    return this.opts.feasibilityModel ? feasibilityRows(this.active(), (p) => this.inputOf(p), [this.objective.name]) : null;
  }

  override refit(): void {
    const rows = this.rows();
    // Candidate caches are rebuilt here too, so the next ask only appends rows.
    if (rows.length >= 2) {
      const gp = this.surrogate.model(rows, true);
      this.predictor?.model(rows, true);
      this.candidatePosterior?.sync(gp);
    }
    const f = this.feasibilityRows();
    if (f) {
      const gp = this.feasibility.model(f, true);
      this.feasibilityPosterior?.sync(gp);
    }
  }

  /** Posterior mean and sd of the objective at these points, in its own units; null before there is a model. */
  override predict(points: Point[]): { mean: number; sd: number }[] | null {
    const rows = this.rows();
    if (rows.length < 2) return null;
    const gp = this.surrogate.model(rows);
    // Once for every point: a model map asks for thousands.
    const stated = this.statedModel(rows);
    return points.map((point) => {
      const x = this.inputOf(point);
      return x ? this.predictedAt(gp, stated, x).predicted[this.objective.name] : { mean: Number.NaN, sd: Number.NaN };
    });
  }

  /** The measured point with the best posterior mean: robust to measurement noise. */
  override recommend(): Proposal | null {
    const rows = this.rows();
    if (rows.length < 2 || this.activeLearning) return super.recommend();
    const gp = this.surrogate.model(rows);
    const means = gp.trainingMeans();
    const targetStd = this.surrogate.scale(this.objective.target ?? 0);
    const score = (i: number): number => (this.objective.direction === 'target' ? -Math.abs(means[i] - targetStd) : means[i]);
    let best = 0;
    for (let i = 1; i < rows.length; i++) if (score(i) > score(best)) best = i;
    const obs = this.active().find((o) => o.id === rows[best].id)!;
    const { predicted } = this.predictedAt(gp, this.statedModel(rows), rows[best].x);
    return {
      point: structuredClone(obs.point),
      predicted,
      acquisition: 0,
      explanation: {
        exploitShare: 1,
        exploreShare: 0,
        relevance: this.relevance(gp),
        influential: influentialObservations(gp, rows.map((r) => r.id), rows[best].x),
        feasibility: 1,
        reason: `recommendation: best posterior mean among measured points (observation ${obs.id}), ${this.describePrediction(predicted)}`,
      },
    };
  }

  protected propose(k: number, ctx: AskContext): Proposal[] {
    const rows = this.rows();
    const distinct = new Set(rows.map((r) => r.y)).size;
    if (rows.length < 2 || distinct < 2) {
      // Not enough information for a model yet: keep filling the space.
      return this.designProposals(k, ctx);
    }
    const gp = this.surrogate.model(rows);
    const fRows = this.feasibilityRows();
    const feasGp = fRows ? this.feasibility.model(fRows) : null;
    const trainMeans = gp.trainingMeans();
    const best = Math.max(...trainMeans);
    const targetStd = this.objective.direction === 'target' ? this.surrogate.scale(this.objective.target ?? 0) : 0;
    const dBest = Math.min(...Array.from(trainMeans, (m) => Math.abs(m - targetStd)));
    const utility = this.utility(best, targetStd, dBest);

    // Fantasies go into a copy; a single proposal without pending points can use the model itself.
    const fantasy = k > 1 || ctx.pending.length > 0 ? gp.clone(k + ctx.pending.length) : gp;
    for (const p of ctx.pending) {
      const x = this.inputOf(p);
      if (x) fantasy.add(x, fantasy.predict(x).mean);
    }
    const pick = this.candidates || this.acquisition === 'integrated-variance' ? this.candidatePicker(gp, fantasy, feasGp, utility, ctx) : this.continuousPicker(gp, fantasy, feasGp, utility, rows, ctx);
    const out: Proposal[] = [];
    for (let j = 0; j < k; j++) {
      const choice = pick.next(j);
      if (!choice) {
        out.push(this.designProposal(ctx.designIndex + j, ctx.domain, ctx.fixed, [...ctx.pending, ...out.map((p) => p.point)]));
        continue;
      }
      out.push(this.explain(choice.point, choice.x, choice.value, gp, rows, feasGp, utility, ctx));
      if (j < k - 1) fantasy.add(choice.x, fantasy.predict(choice.x).mean);
    }
    pick.close();
    return out;
  }

  private utility(best: number, targetStd: number, dBest: number): Utility {
    if (this.activeLearning) return logVariance;
    if (this.objective.direction === 'target') return logTargetEi(targetStd, dBest);
    if (this.acquisition === 'ucb') return ucb(this.opts.beta);
    if (this.acquisition === 'logpi') return logPi(best);
    return logEi(best);
  }

  /** Continuous/mixed spaces: Sobol raw samples + L-BFGS over the domain. */
  private continuousPicker(gp: GaussianProcess, fantasy: GaussianProcess, feasGp: GaussianProcess | null, utility: Utility, rows: TrainingRow[], ctx: AskContext): Picker {
    const logFeas = feasGp ? logSuccessProbability(feasGp) : null;
    const next = (j: number): Choice | null => {
      const base =
        this.acquisition === 'qlognei' && this.objective.direction !== 'target'
          ? qLogNoisyEi(fantasy, rows.map((r) => r.x), { samples: this.opts.mcSamples, seed: mixSeed(ctx.seed, j, 0x4e1) })
          : posteriorAcquisition(fantasy, utility);
      const acq: AcquisitionFn = weightByFeasibility(base, logFeas, gp.dim);
      const res = optimizeAcquisition(acq, ctx.domain, { rawSamples: this.opts.rawSamples, restarts: this.opts.restarts, maxIter: this.opts.maxIter, seed: mixSeed(ctx.seed, j, 0xac9) });
      return res ? { point: this.decode(res.x, ctx.fixed), x: res.x, value: res.value } : null;
    };
    return { next, close: () => {} };
  }

  /**
   * Finite sets (candidate mode, or a Sobol discretization of the domain for integrated variance):
   * exhaustive argmax from the incremental candidate posterior, extended by the fantasies.
   */
  private candidatePicker(gp: GaussianProcess, fantasy: GaussianProcess, feasGp: GaussianProcess | null, utility: Utility, ctx: AskContext): Picker {
    let inputs: Float64Array[];
    let points: (i: number) => Point;
    let allowed: number[];
    let post: CandidatePosterior;
    let feasPost: CandidatePosterior | null = null;
    if (this.candidates) {
      const set = this.candidates;
      inputs = set.inputs;
      points = (i) => structuredClone(set.points[i]);
      allowed = this.allowedCandidates(ctx);
      this.candidatePosterior ??= new CandidatePosterior(inputs, this.acquisition === 'integrated-variance' ? referenceSubset(inputs.length, this.cfg.seed) : []);
      post = this.candidatePosterior;
      if (feasGp) feasPost = this.feasibilityPosterior ??= new CandidatePosterior(inputs);
    } else {
      // Integrated variance over a continuous domain: a scrambled Sobol discretization of it.
      const xs = ctx.domain.sample(1024, mixSeed(ctx.seed, 0x1d5)).map((x) => ctx.domain.finalize(x) ?? x);
      inputs = xs;
      points = (i) => this.decode(xs[i], ctx.fixed);
      allowed = xs.map((_, i) => i);
      post = new CandidatePosterior(inputs, referenceSubset(inputs.length, this.cfg.seed));
      if (feasGp) feasPost = new CandidatePosterior(inputs);
    }
    post.sync(gp);
    feasPost?.sync(feasGp!);
    const undo = post.extend(fantasy);
    const remaining = new Set(allowed);
    const noise = gp.noise;
    // The probe is where it measured last (or will have, for pending points); only candidate sets
    // have locations to travel between.
    const travel = this.candidates ? this.travel : null;
    let from: Point | undefined = ctx.pending.at(-1) ?? this.observations.at(-1)?.point;
    let extendedRows = fantasy.n;
    const next = (j: number): Choice | null => {
      if (j > 0 && fantasy.n > extendedRows) {
        post.extend(fantasy); // the previous batch point is now a fantasy row
        extendedRows = fantasy.n;
      }
      let bestI = -1;
      let bestV = -Infinity;
      const C = inputs.length;
      for (const i of remaining) {
        const sd = Math.sqrt(post.variance[i]);
        let v: number;
        if (this.acquisition === 'integrated-variance') {
          let s = 0;
          for (let r = 0; r < post.refs.length; r++) s += post.refCov![r * C + i] ** 2;
          v = Math.log(s / (post.variance[i] + noise) / post.refs.length + 1e-300);
        } else v = utility(post.mean[i], sd).value;
        if (feasPost) v += logProbit(feasPost.mean[i], feasPost.variance[i]);
        if (travel) v -= logTravelCost(travel, from, this.candidates!.points[i]);
        if (v > bestV || (v === bestV && i < bestI)) {
          bestV = v;
          bestI = i;
        }
      }
      if (bestI < 0) return null;
      remaining.delete(bestI);
      const point = points(bestI);
      from = point;
      return { point, x: inputs[bestI], value: bestV };
    };
    return { next, close: undo };
  }

  /**
   * `predicted` is what a measurement at x will read (own units, latent plus noise): from the
   * predictor when there is one (warp, noise mixture, one-step-ahead recalibration), else the
   * acquisition model's Surrogate.measurement. The calibration report checks measurements against
   * this sd. `mean`/`sd` stay latent and standardized from the acquisition model `gp`: they feed
   * the acquisition split, which scores f.
   */
  private predictedAt(gp: GaussianProcess, stated: GaussianProcess | null, x: ArrayLike<number>): { predicted: Proposal['predicted']; mean: number; sd: number } {
    const post = gp.predict(x);
    const sigma = Math.sqrt(post.variance);
    const own = this.predictor && stated ? this.predictor.measurementAt(stated, x) : this.surrogate.measurement(gp, post);
    const mean = this.objective.direction === 'target' ? own.mean : this.sign * own.mean;
    return { predicted: { [this.objective.name]: { mean, sd: own.sd } }, mean: post.mean, sd: sigma };
  }

  /** The predictor's model on these rows, when stated predictions come from it. */
  private statedModel(rows: TrainingRow[]): GaussianProcess | null {
    return this.predictor?.model(rows) ?? null;
  }

  private describePrediction(predicted: Proposal['predicted']): string {
    const p = predicted[this.objective.name];
    return `predicted ${this.objective.name} ${p.mean.toPrecision(5)} +- ${p.sd.toPrecision(3)}`;
  }

  private relevance(gp: GaussianProcess): Record<string, number> {
    const names = this.candidates?.inputNames();
    return names ? relevanceByInput(names, gp.hyper.logLengthscales) : relevanceFromLengthscales(this.space, gp.hyper.logLengthscales);
  }

  private explain(point: Point, x: Float64Array, value: number, gp: GaussianProcess, rows: TrainingRow[], feasGp: GaussianProcess | null, utility: Utility, ctx: AskContext): Proposal {
    const { predicted, mean, sd } = this.predictedAt(gp, this.statedModel(rows), x);
    let split: Pick<Explanation, 'exploitShare' | 'exploreShare'> = { exploitShare: 0, exploreShare: 1 };
    if (!this.activeLearning) {
      const typical = typicalPosterior(gp, this.candidates ? sampleOf(this.candidates.inputs, ctx.seed) : ctx.domain.sample(64, mixSeed(ctx.seed, 0x7e)));
      split = shapleyShares((m, s) => utility(m, s).value, mean, sd, typical.mean, typical.sd);
    }
    const feasibility = feasGp ? successProbability(feasGp, x) : 1;
    const pendingNote = ctx.pending.length > 0 ? `, ${ctx.pending.length} pending point(s) fantasized` : '';
    const mode = this.activeLearning ? 'Active learning' : 'Bayesian optimization';
    return {
      point,
      predicted,
      acquisition: value,
      explanation: {
        ...split,
        relevance: this.relevance(gp),
        influential: influentialObservations(gp, rows.map((r) => r.id), x),
        feasibility,
        reason: `${mode} (${LABELS[this.acquisition]} ${value.toPrecision(4)}${pendingNote}): ${this.describePrediction(predicted)}, ${Math.round(100 * split.exploreShare)}% exploration, P(success) ${feasibility.toFixed(2)}`,
      },
    };
  }

  protected override saveInternals(): BayesInternals {
    return { objective: structuredClone(this.surrogate.state), feasibility: structuredClone(this.feasibility.state), predictor: structuredClone(this.predictor?.state ?? null) };
  }

  protected override loadInternals(internals: unknown): void {
    const i = (internals ?? {}) as Partial<BayesInternals>;
    this.surrogate = this.newSurrogate(i.objective ?? null);
    this.predictor = this.newPredictor(i.predictor ?? null);
    this.feasibility = feasibilitySurrogate(this.opts, this.cfg.seed, i.feasibility ?? null);
  }

  protected override onSpaceChanged(old: EncodedSpace): void {
    this.candidatePosterior = null;
    this.feasibilityPosterior = null;
    for (const s of [this.surrogate, this.feasibility, ...(this.predictor ? [this.predictor] : [])]) {
      const st = s.state;
      if (st && !this.candidates?.featureMode) {
        const mixture = st.mixture?.map((c) => ({ ...c, hyper: rescaleHyper(c.hyper, old, this.space) }));
        s.state = { ...st, hyper: rescaleHyper(st.hyper, old, this.space), ...(mixture ? { mixture } : {}) };
      }
      s.invalidate();
    }
  }
}

/** Average posterior mean and sd over a sample of the domain: the reference for explanations. */
function typicalPosterior(gp: GaussianProcess, xs: Float64Array[]): { mean: number; sd: number } {
  const p = gp.predictMany(xs);
  let mean = 0;
  let sd = 0;
  for (let i = 0; i < xs.length; i++) {
    mean += p.mean[i] / xs.length;
    sd += Math.sqrt(p.variance[i]) / xs.length;
  }
  return { mean, sd };
}

function sampleOf(inputs: Float64Array[], seed: number): Float64Array[] {
  const rng = new Rng(mixSeed(seed, 0x7e));
  return Array.from({ length: Math.min(64, inputs.length) }, () => inputs[rng.int(inputs.length)]);
}

function referenceSubset(size: number, seed: number): number[] {
  const idx = Array.from({ length: size }, (_, i) => i);
  return new Rng(mixSeed(seed, 0x2ef)).shuffle(idx).slice(0, Math.min(REFERENCE_POINTS, size)).sort((a, b) => a - b);
}
