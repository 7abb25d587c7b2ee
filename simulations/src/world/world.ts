import { batchSeedOf, type Material, synthesizeMaterial } from './material';
import type { Recipe, WorldParams } from './params';
import { canonical, hashOf } from './random';

/** A rectangle of sample surface that received an electron dose (STEM frame or spectrum). */
export interface Exposure {
  x0Nm: number;
  y0Nm: number;
  x1Nm: number;
  y1Nm: number;
  doseEPerA2: number;
}

/** One physical sample: its recipe, what it became, and what the microscopes have done to it. */
export interface Sample {
  readonly id: string;
  readonly recipe: Recipe;
  readonly material: Material;
  /** Seeds the microstructure (grains, domains, lattice sites); independent of the sample's name. */
  readonly structureSeed: number;
  /** STEM exposures so far; beam damage follows from the dose they add up to at each site. */
  readonly exposures: Exposure[];
  totalDoseEPerA2: number;
}

/**
 * The one in-process world the twins share: the sample registry and where each sample is. The
 * robot puts samples in; `handover` and `loadSample` move them into microscopes.
 */
export class World {
  private readonly samples = new Map<string, Sample>();
  private readonly locations = new Map<string, string>();
  private readonly recipeCounts = new Map<string, number>();
  private readonly measurementCounts = new Map<string, number>();
  private readonly moveListeners: Array<(instrumentId: string) => void> = [];

  constructor(
    readonly params: WorldParams,
    readonly seed: number,
  ) {
    for (const [id, recipe] of Object.entries(params.samples)) {
      this.register(id, recipe, hashOf('predefined-sample', seed, id));
    }
  }

  /** Make a new sample from a recipe (the robot's synthesis). */
  synthesize(id: string, recipe: Recipe, at: string): Sample {
    const key = canonical(recipe);
    const nth = this.recipeCounts.get(key) ?? 0;
    this.recipeCounts.set(key, nth + 1);
    const sample = this.register(id, recipe, batchSeedOf(this.seed, recipe, nth));
    this.move(id, at);
    return sample;
  }

  sample(id: string): Sample | undefined {
    return this.samples.get(id);
  }

  locationOf(sampleId: string): string | undefined {
    return this.locations.get(sampleId);
  }

  /** Ids of the samples at a place (an instrument id, or 'storage'). */
  sampleIdsAt(place: string): string[] {
    return [...this.locations].filter(([, location]) => location === place).map(([sampleId]) => sampleId);
  }

  /** The sample mounted in a microscope, if any. */
  sampleAt(instrumentId: string): Sample | undefined {
    const [sampleId] = this.sampleIdsAt(instrumentId);
    return sampleId === undefined ? undefined : this.samples.get(sampleId);
  }

  /** Mount a sample in a microscope; whatever was mounted there goes back to storage. */
  mount(sampleId: string, instrumentId: string): void {
    const previous = this.sampleAt(instrumentId);
    if (previous && previous.id !== sampleId) this.move(previous.id, 'storage');
    this.move(sampleId, instrumentId);
  }

  /** Counts measurements per (instrument, sample): the index makes repeated measurements differ, reproducibly. */
  nextMeasurementIndex(instrumentId: string, sampleId: string): number {
    const key = `${instrumentId}\u0000${sampleId}`;
    const index = this.measurementCounts.get(key) ?? 0;
    this.measurementCounts.set(key, index + 1);
    return index;
  }

  /** Called with the instrument id whenever a sample arrives at or leaves an instrument. */
  onMove(listener: (instrumentId: string) => void): void {
    this.moveListeners.push(listener);
  }

  private register(id: string, recipe: Recipe, structureSeed: number): Sample {
    const sample: Sample = {
      id,
      recipe,
      material: synthesizeMaterial(this.params, recipe, structureSeed),
      structureSeed,
      exposures: [],
      totalDoseEPerA2: 0,
    };
    this.samples.set(id, sample);
    return sample;
  }

  private move(sampleId: string, to: string): void {
    const from = this.locations.get(sampleId);
    this.locations.set(sampleId, to);
    for (const listener of this.moveListeners) {
      if (from) listener(from);
      listener(to);
    }
  }
}
