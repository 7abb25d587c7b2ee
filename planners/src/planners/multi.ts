import { logEhvi } from '../acquisition/ehvi';
import { multiPosteriorAcquisition, VectorUtility } from '../acquisition/multi';
import { chebyshev, logParego, ParegoScalarization } from '../acquisition/parego';
import { weightByFeasibility } from '../acquisition/analytic';
import { AcquisitionFn, evaluateMany } from '../acquisition/types';
import { influentialObservations, relevanceByInput, relevanceFromLengthscales, shapleySplit } from '../explain';
import { feasibilityRows, feasibilitySurrogate, logSuccessProbability, successProbability } from '../feasibility';
import { GaussianProcess } from '../gp';
import { Surrogate, SurrogateState, TrainingRow } from '../model';
import { optimizeAcquisition } from '../optimize';
import { GpOptions } from '../options';
import { nonDominatedCells, paretoIndices } from '../pareto';
import { mixSeed, Rng } from '../rng';
import { EncodedSpace } from '../space';
import { Observation, ObjectiveSpec, PlannerConfig, Point, Proposal } from '../types';
import { AskContext, BasePlanner } from './base';
import { rescaleHyper } from './rescale';

export type MultiObjectiveMethod = 'parego' | 'ehvi';

interface MultiInternals {
  objectives: (SurrogateState | null)[];
  feasibility: SurrogateState | null;
}

/**
 * Multi-objective Bayesian optimization for 2-3 objectives with one GP per objective:
 * expected hypervolume improvement (exact box decomposition, log space) or ParEGO (random augmented
 * Chebyshev scalarizations, one per batch point). Everything runs in "maximization units":
 * minimized objectives are negated and target objectives become -|y - target|.
 * Batches are built greedily with kriging-believer fantasies, which also join the Pareto front.
 */
export class MultiObjectivePlanner extends BasePlanner {
  private surrogates: Surrogate[];
  private feasibility: Surrogate;

  constructor(
    config: PlannerConfig,
    private readonly opts: GpOptions,
    private readonly method: MultiObjectiveMethod,
  ) {
    super(config, opts);
    this.surrogates = config.objectives.map((_, i) => this.newSurrogate(i, null));
    this.feasibility = feasibilitySurrogate(opts, config.seed, null);
  }

  private get objectives(): ObjectiveSpec[] {
    return this.cfg.objectives;
  }

  private newSurrogate(i: number, state: SurrogateState | null): Surrogate {
    const o = this.opts;
    return new Surrogate({ kernel: o.kernel, refitEvery: o.refitEvery, refitFraction: 0.025, fitSubsample: o.fitSubsample, minNoise: o.minNoise, standardize: true, seed: mixSeed(this.cfg.seed, i) }, state);
  }

  /** Value in maximization units. */
  private orient(o: ObjectiveSpec, v: number): number {
    return o.direction === 'maximize' ? v : o.direction === 'minimize' ? -v : -Math.abs(v - (o.target ?? 0));
  }

  /** Back to the objective's own units (for target objectives: the distance to the target). */
  private unorient(o: ObjectiveSpec, v: number): number {
    return o.direction === 'maximize' ? v : -v;
  }

  private rows(i: number): TrainingRow[] {
    const o = this.objectives[i];
    const rows: TrainingRow[] = [];
    for (const obs of this.active()) {
      const v = obs.values?.[o.name];
      const x = this.inputOf(obs.point);
      if (obs.failed || v === undefined || !Number.isFinite(v) || !x) continue;
      rows.push({ id: obs.id, x, y: this.orient(o, v), noiseVar: o.direction === 'target' ? undefined : obs.noiseVar?.[o.name] });
    }
    return rows;
  }

  /** Successful observations with every objective measured, in maximization units. */
  private complete(): { obs: Observation; y: number[] }[] {
    const out: { obs: Observation; y: number[] }[] = [];
    for (const obs of this.active()) {
      if (obs.failed) continue;
      const y = this.objectives.map((o) => obs.values?.[o.name]);
      if (y.every((v): v is number => v !== undefined && Number.isFinite(v))) out.push({ obs, y: y.map((v, i) => this.orient(this.objectives[i], v)) });
    }
    return out;
  }

  /** Reference point in maximization units: options.referencePoint, or nadir - 10% of the range. */
  private referencePoint(Y: number[][]): number[] {
    const given = this.cfg.options?.referencePoint;
    return this.objectives.map((o, i) => {
      const r = Array.isArray(given) ? given[i] : given && typeof given === 'object' ? (given as Record<string, unknown>)[o.name] : undefined;
      if (typeof r === 'number' && Number.isFinite(r)) return o.direction === 'target' ? -Math.abs(r) : this.orient(o, r);
      const col = Y.map((y) => y[i]);
      const lo = Math.min(...col);
      const hi = Math.max(...col);
      return lo - 0.1 * (hi - lo || 1);
    });
  }

  override refit(): void {
    this.surrogates.forEach((s, i) => {
      const rows = this.rows(i);
      if (rows.length >= 2) s.model(rows, true);
    });
    const f = this.feasibilityRowsOrNull();
    if (f) this.feasibility.model(f, true);
  }

  private feasibilityRowsOrNull(): TrainingRow[] | null {
    return this.opts.feasibilityModel ? feasibilityRows(this.active(), (p) => this.inputOf(p), this.objectives.map((o) => o.name)) : null;
  }

  /** Non-dominated successful observations. */
  override paretoFront(): Observation[] {
    const data = this.complete();
    return paretoIndices(data.map((d) => d.y)).map((i) => structuredClone(data[i].obs));
  }

  override recommend(): Proposal | null {
    return null;
  }

  protected propose(k: number, ctx: AskContext): Proposal[] {
    const allRows = this.objectives.map((_, i) => this.rows(i));
    const data = this.complete();
    if (allRows.some((r) => r.length < 2 || new Set(r.map((q) => q.y)).size < 2) || data.length < 1) {
      return this.designProposals(k, ctx);
    }
    const gps = this.surrogates.map((s, i) => s.model(allRows[i]));
    const fRows = this.feasibilityRowsOrNull();
    const feasGp = fRows ? this.feasibility.model(fRows) : null;
    const logFeas = feasGp ? logSuccessProbability(feasGp) : null;
    const fantasies = gps.map((gp) => gp.clone(k + ctx.pending.length));
    const front = data.map((d) => d.y);
    const ref = this.referencePoint(front);
    const addFantasy = (x: Float64Array): void => {
      const y = fantasies.map((gp, i) => {
        const m = gp.predict(x).mean;
        gp.add(x, m);
        return this.surrogates[i].unscale(m, 0).mean;
      });
      front.push(y);
    };
    for (const p of ctx.pending) {
      const x = this.inputOf(p);
      if (x) addFantasy(x);
    }
    const rng = new Rng(mixSeed(ctx.seed, 0x9a7e));
    const out: Proposal[] = [];
    const allowed = this.candidates ? this.allowedCandidates(ctx) : null;
    for (let j = 0; j < k; j++) {
      const utility = this.inOwnScale(this.utility(front, ref, rng, mixSeed(ctx.seed, j, 0x3c)));
      const acq: AcquisitionFn = weightByFeasibility(multiPosteriorAcquisition(fantasies, utility), logFeas, gps[0].dim);
      let choice: { point: Point; x: Float64Array; value: number } | null = null;
      if (allowed && this.candidates) {
        const set = this.candidates;
        const vals = evaluateMany(acq, allowed.map((i) => set.inputs[i]));
        let best = -1;
        vals.forEach((v, c) => {
          if (best < 0 || v > vals[best]) best = c;
        });
        if (best >= 0) {
          const i = allowed.splice(best, 1)[0];
          choice = { point: structuredClone(set.points[i]), x: set.inputs[i], value: vals[best] };
        }
      } else {
        const res = optimizeAcquisition(acq, ctx.domain, { rawSamples: this.opts.rawSamples, restarts: this.opts.restarts, maxIter: this.opts.maxIter, seed: mixSeed(ctx.seed, j, 0xac9) });
        if (res) choice = { point: this.decode(res.x, ctx.fixed), x: res.x, value: res.value };
      }
      if (!choice) {
        out.push(this.designProposal(ctx.designIndex + j, ctx.domain, ctx.fixed, [...ctx.pending, ...out.map((p) => p.point)]));
        continue;
      }
      out.push(this.explain(choice, gps, allRows, feasGp, utility, ctx));
      if (j < k - 1) addFantasy(choice.x);
    }
    return out;
  }

  /** The acquisition as a function of the objectives' posteriors in maximization units. */
  private utility(front: number[][], ref: number[], rng: Rng, seed: number): VectorUtility {
    const m = this.objectives.length;
    if (this.method === 'ehvi') {
      const pareto = paretoIndices(front).map((i) => front[i]);
      return logEhvi(nonDominatedCells(pareto, ref));
    }
    // ParEGO: weights uniform on the simplex, objectives normalized by the observed range.
    const w = Float64Array.from({ length: m }, () => -Math.log(1 - rng.next()));
    const sw = w.reduce((a, b) => a + b, 0);
    const low = Float64Array.from({ length: m }, (_, i) => Math.min(...front.map((y) => y[i])));
    const scale = Float64Array.from({ length: m }, (_, i) => Math.max(...front.map((y) => y[i])) - low[i] || 1);
    const s: ParegoScalarization = { weights: w.map((v) => v / sw), low, scale, best: -Infinity };
    s.best = Math.max(...front.map((y) => chebyshev(s, y)));
    return logParego(s, this.opts.mcSamples, seed);
  }

  /** Adapt a utility in maximization units to the GPs' standardized outputs. */
  private inOwnScale(u: VectorUtility): VectorUtility {
    const st = this.surrogates.map((s) => s.unscale(0, 1));
    const m = st.length;
    const mu = new Float64Array(m);
    const sd = new Float64Array(m);
    return (muStd, sdStd, dMu, dSigma) => {
      for (let i = 0; i < m; i++) {
        mu[i] = st[i].mean + st[i].sd * muStd[i];
        sd[i] = st[i].sd * sdStd[i];
      }
      const v = u(mu, sd, dMu, dSigma);
      if (dMu && dSigma) {
        for (let i = 0; i < m; i++) {
          dMu[i] *= st[i].sd;
          dSigma[i] *= st[i].sd;
        }
      }
      return v;
    };
  }

  private explain(choice: { point: Point; x: Float64Array; value: number }, gps: GaussianProcess[], rows: TrainingRow[][], feasGp: GaussianProcess | null, utility: VectorUtility, ctx: AskContext): Proposal {
    const m = gps.length;
    const mu = new Float64Array(m);
    const sd = new Float64Array(m);
    const predicted: Proposal['predicted'] = {};
    gps.forEach((gp, i) => {
      const p = gp.predict(choice.x);
      mu[i] = p.mean;
      sd[i] = Math.sqrt(p.variance);
      // The stated sd is of a measurement (noise included, LOO-calibrated); the latent sd feeds the split.
      const own = this.surrogates[i].measurement(gp, p);
      predicted[this.objectives[i].name] = { mean: this.unorient(this.objectives[i], own.mean), sd: own.sd };
    });
    const sample = this.candidates ? this.candidates.inputs.slice(0, 64) : ctx.domain.sample(64, mixSeed(ctx.seed, 0x7e));
    const mu0 = new Float64Array(m);
    const sd0 = new Float64Array(m);
    gps.forEach((gp, i) => {
      const p = gp.predictMany(sample);
      for (let c = 0; c < sample.length; c++) {
        mu0[i] += p.mean[c] / sample.length;
        sd0[i] += Math.sqrt(p.variance[c]) / sample.length;
      }
    });
    // Two-player Shapley split over all objectives' means (exploit) and sds (explore).
    const split = shapleySplit((useMean, useSd) => utility(useMean ? mu : mu0, useSd ? sd : sd0, null, null));
    const relevance: Record<string, number> = {};
    const names = this.candidates?.inputNames();
    for (const gp of gps) {
      const r = names ? relevanceByInput(names, gp.hyper.logLengthscales) : relevanceFromLengthscales(this.space, gp.hyper.logLengthscales);
      for (const [key, v] of Object.entries(r)) relevance[key] = (relevance[key] ?? 0) + v / m;
    }
    const weights = new Map<string, number>();
    gps.forEach((gp, i) => {
      for (const e of influentialObservations(gp, rows[i].map((r) => r.id), choice.x, rows[i].length)) weights.set(e.id, (weights.get(e.id) ?? 0) + e.weight / m);
    });
    const influential = [...weights.entries()].map(([id, weight]) => ({ id, weight })).sort((a, b) => b.weight - a.weight).slice(0, 5);
    const feasibility = feasGp ? successProbability(feasGp, choice.x) : 1;
    const label = this.method === 'ehvi' ? 'log expected hypervolume improvement' : 'ParEGO log expected improvement';
    const described = this.objectives.map((o) => `${o.name}${o.direction === 'target' ? ' distance' : ''} ${predicted[o.name].mean.toPrecision(4)} +- ${predicted[o.name].sd.toPrecision(3)}`).join(', ');
    return {
      point: choice.point,
      predicted,
      acquisition: choice.value,
      explanation: {
        ...split,
        relevance,
        influential,
        feasibility,
        reason: `Multi-objective Bayesian optimization (${label} ${choice.value.toPrecision(4)}): predicted ${described}, ${Math.round(100 * split.exploreShare)}% exploration, P(success) ${feasibility.toFixed(2)}`,
      },
    };
  }

  protected override saveInternals(): MultiInternals {
    return { objectives: this.surrogates.map((s) => structuredClone(s.state)), feasibility: structuredClone(this.feasibility.state) };
  }

  protected override loadInternals(internals: unknown): void {
    const i = (internals ?? {}) as Partial<MultiInternals>;
    this.surrogates = this.objectives.map((_, k) => this.newSurrogate(k, i.objectives?.[k] ?? null));
    this.feasibility = feasibilitySurrogate(this.opts, this.cfg.seed, i.feasibility ?? null);
  }

  protected override onSpaceChanged(old: EncodedSpace): void {
    for (const s of [...this.surrogates, this.feasibility]) {
      if (s.state && !this.candidates?.featureMode) s.state = { ...s.state, hyper: rescaleHyper(s.state.hyper, old, this.space) };
      s.invalidate();
    }
  }
}
