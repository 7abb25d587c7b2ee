import { CandidateSet } from '../candidates';
import { InitialDesign } from '../design';
import { Domain } from '../domain';
import { designExplanation } from '../explain';
import { CommonOptions } from '../options';
import { mixSeed } from '../rng';
import { EncodedSpace } from '../space';
import { AskOptions, Observation, PlannerConfig, PlannerState, Point, Proposal, SearchSpaceSpec, SteerablePlanner } from '../types';
import { validateSpace } from '../validate';
import { PLANNERS_VERSION } from '../version';

/** Everything one ask needs besides the model. */
export interface AskContext {
  /** Points already running plus those proposed earlier in this batch. */
  pending: Point[];
  fixed: Partial<Point>;
  domain: Domain;
  /** Seed of this ask: a function of (config seed, observations told, pending count). */
  seed: number;
  /** Index of the next design / Sobol point. */
  designIndex: number;
}

/**
 * Observation bookkeeping, exclusions, initial design, serialization and space updates shared by
 * every kind. A planner is a pure function of (space, observations, pending, seed, internals):
 * nothing depends on wall-clock time or on how many times ask was called.
 */
export abstract class BasePlanner implements SteerablePlanner {
  protected cfg: PlannerConfig;
  protected space: EncodedSpace;
  /** Non-null in candidate-set mode. */
  protected candidates: CandidateSet | null;
  protected observations: Observation[] = [];
  protected excluded = new Set<string>();
  private readonly domains = new Map<string, Domain>();
  private readonly designs = new Map<string, InitialDesign>();

  constructor(
    config: PlannerConfig,
    protected readonly common: CommonOptions,
  ) {
    this.cfg = structuredClone(config);
    this.space = new EncodedSpace(this.cfg.space);
    this.candidates = this.cfg.space.candidates ? new CandidateSet(this.space, this.cfg.space.candidates) : null;
  }

  get config(): PlannerConfig {
    return this.cfg;
  }

  ask(k: number, opts: AskOptions = {}): Proposal[] {
    const count = Math.max(0, Math.floor(k));
    if (count === 0) return [];
    const fixed: Partial<Point> = {};
    for (const [name, v] of Object.entries(opts.fixed ?? {})) if (v !== undefined && this.space.byName.has(name)) fixed[name] = v;
    const domain = this.domain(fixed);
    if (domain.infeasible && !this.candidates) throw new Error(`planner: ${domain.infeasible}`);
    const pending = opts.pending ?? [];
    const start = this.observations.length + pending.length;
    const out: Proposal[] = [];
    while (out.length < count && start + out.length < this.common.initialDesign) {
      out.push(this.designProposal(start + out.length, domain, fixed, [...pending, ...out.map((p) => p.point)]));
    }
    if (out.length < count) {
      const ctx: AskContext = {
        pending: [...pending, ...out.map((p) => p.point)],
        fixed,
        domain,
        seed: mixSeed(this.cfg.seed, this.observations.length, pending.length),
        designIndex: start + out.length,
      };
      out.push(...this.propose(count - out.length, ctx));
    }
    return out;
  }

  tell(observations: Observation[]): void {
    for (const o of observations) {
      const copy = structuredClone(o);
      const at = this.observations.findIndex((p) => p.id === o.id);
      if (at >= 0) this.observations[at] = copy;
      else this.observations.push(copy);
    }
  }

  exclude(observationId: string): void {
    this.excluded.add(observationId);
  }

  toJSON(): PlannerState {
    return {
      version: PLANNERS_VERSION,
      config: structuredClone(this.cfg),
      observations: structuredClone(this.observations),
      excluded: [...this.excluded],
      internals: this.saveInternals(),
    };
  }

  /** Used by restorePlanner. */
  load(state: PlannerState): void {
    this.observations = structuredClone(state.observations);
    this.excluded = new Set(state.excluded);
    this.loadInternals(state.internals);
  }

  updateSpace(space: SearchSpaceSpec): void {
    const errors = validateSpace(space);
    if (errors.length > 0) throw new Error(`invalid search space: ${errors.join('; ')}`);
    const old = this.space;
    this.cfg = { ...this.cfg, space: structuredClone(space) };
    this.space = new EncodedSpace(this.cfg.space);
    this.candidates = this.cfg.space.candidates ? new CandidateSet(this.space, this.cfg.space.candidates) : null;
    this.domains.clear();
    this.designs.clear();
    this.onSpaceChanged(old);
  }

  refit(): void {}

  /** Non-dominated successful observations; with one objective, the best one. */
  paretoFront(): Observation[] {
    const best = this.recommend();
    if (!best) return [];
    const found = this.active().find((o) => JSON.stringify(o.point) === JSON.stringify(best.point));
    return found ? [structuredClone(found)] : [];
  }

  /** Posterior predictions at points, for maps of the model; null for kinds without a model. */
  predict(_points: Point[]): { mean: number; sd: number }[] | null {
    return null;
  }

  recommend(): Proposal | null {
    const objective = this.cfg.objectives[0];
    let best: { o: Observation; score: number } | null = null;
    for (const o of this.active()) {
      const v = o.values?.[objective.name];
      if (o.failed || v === undefined || !Number.isFinite(v)) continue;
      const score = objective.direction === 'maximize' ? v : objective.direction === 'minimize' ? -v : -Math.abs(v - (objective.target ?? 0));
      if (!best || score > best.score) best = { o, score };
    }
    if (!best) return null;
    return {
      point: structuredClone(best.o.point),
      predicted: { [objective.name]: { mean: best.o.values![objective.name], sd: 0 } },
      acquisition: 0,
      explanation: designExplanation(this.space, `recommendation: best observed ${objective.name} (observation ${best.o.id})`),
    };
  }

  /** Observations that count: not excluded. */
  protected active(): Observation[] {
    return this.observations.filter((o) => !this.excluded.has(o.id));
  }

  protected domain(fixed: Partial<Point>): Domain {
    const key = JSON.stringify(Object.entries(fixed).sort());
    let d = this.domains.get(key);
    if (!d) {
      d = new Domain(this.space, fixed);
      this.domains.set(key, d);
    }
    return d;
  }

  /** Model input of a point (candidate features or unit-cube encoding); null if it cannot be modelled. */
  protected inputOf(point: Point): Float64Array | null {
    const x = this.candidates ? this.candidates.inputOf(point) : this.space.encode(point);
    // A point missing a parameter (or with a non-numeric value) cannot be modelled; it stays in the state.
    return x && x.every(Number.isFinite) ? x : null;
  }

  /**
   * Candidates that may be proposed now: matching the fixed features, satisfying the constraints,
   * and neither measured before nor pending (a microscope does not re-image a pixel).
   */
  protected allowedCandidates(ctx: AskContext): number[] {
    const set = this.candidates!;
    const taken = new Set<string>([...this.observations.map((o) => set.key(o.point)), ...ctx.pending.map((p) => set.key(p))]);
    return set.matching(ctx.fixed).filter((i) => set.feasible[i] && !taken.has(set.keys[i]));
  }

  /** Design (or continued Sobol) point `index`, with an explanation saying so. */
  protected designProposal(index: number, domain: Domain, fixed: Partial<Point>, pending: Point[] = []): Proposal {
    const inDesign = index < this.common.initialDesign;
    if (this.candidates) {
      const allowed = new Set(this.allowedCandidates({ pending, fixed, domain, seed: 0, designIndex: index }));
      let i = -1;
      for (let pos = index; pos < index + this.candidates.size && i < 0; pos++) {
        const c = this.candidates.designIndex(pos, this.cfg.seed);
        if (allowed.has(c)) i = c;
      }
      if (i < 0) i = allowed.size > 0 ? [...allowed][0] : this.candidates.designIndex(index, this.cfg.seed);
      return {
        point: structuredClone(this.candidates.points[i]),
        predicted: {},
        acquisition: 0,
        explanation: designExplanation(this.space, `${inDesign ? 'initial design' : 'space-filling'}: candidate ${i} (${index === 0 ? 'nearest the centre' : 'nearest a Sobol point'})`),
      };
    }
    const key = JSON.stringify(Object.entries(fixed).sort());
    let design = this.designs.get(key);
    if (!design) {
      design = new InitialDesign(domain, mixSeed(this.cfg.seed, 0xde5), this.common.initialDesign, this.common.design, this.common.centrePoint);
      this.designs.set(key, design);
    }
    const { x, label } = design.point(index);
    const reason = inDesign ? `initial design: ${label} ${index + 1} of ${this.common.initialDesign}` : `space-filling: Sobol point ${index + 1}`;
    return {
      point: this.decode(x, fixed),
      predicted: {},
      acquisition: 0,
      explanation: designExplanation(this.space, reason),
    };
  }

  /** k space-filling proposals continuing the design (no model yet, or a model-free kind). */
  protected designProposals(k: number, ctx: AskContext): Proposal[] {
    const out: Proposal[] = [];
    for (let i = 0; i < k; i++) out.push(this.designProposal(ctx.designIndex + i, ctx.domain, ctx.fixed, [...ctx.pending, ...out.map((p) => p.point)]));
    return out;
  }

  /** Decode an encoded point, keeping fixed features bit-exact. */
  protected decode(x: ArrayLike<number>, fixed: Partial<Point>): Point {
    const point = this.space.decode(x);
    for (const [name, v] of Object.entries(fixed)) if (v !== undefined) point[name] = v;
    return point;
  }

  protected abstract propose(k: number, ctx: AskContext): Proposal[];
  protected saveInternals(): unknown {
    return undefined;
  }
  protected loadInternals(_internals: unknown): void {}
  protected onSpaceChanged(_old: EncodedSpace): void {}
}
