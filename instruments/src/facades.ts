import type { CommandHandle } from '@lab/drivers';
import type { Recipe } from './catalog';
import { Instrument, type InstrumentOptions, type SendOptions } from './instrument';

type Options = SendOptions;

/** Scanning probe microscope (AFM/PFM). Coordinates in nm from the top-left of the scan range. */
export class Spm extends Instrument {
  constructor(options: Omit<InstrumentOptions, 'kind'>) {
    super({ ...options, kind: 'spm' });
  }
  approach(o: Options): Promise<CommandHandle> { return this.send('approach', {}, o); }
  withdraw(o: Options): Promise<CommandHandle> { return this.send('withdraw', {}, o); }
  moveTip(to: { xNm: number; yNm: number }, o: Options): Promise<CommandHandle> { return this.send('moveTip', to, o); }
  setBias(biasV: number, o: Options): Promise<CommandHandle> { return this.send('setBias', { biasV }, o); }
  scan(frame: { sizeNm: number; pixels: number; angleDeg?: number; lineRateHz: number; channels?: ('height' | 'pfmAmplitude' | 'pfmPhase' | 'current')[]; readBiasV?: number }, o: Options): Promise<CommandHandle> {
    return this.send('scan', frame, o);
  }
  hysteresisLoop(at: { xNm: number; yNm: number }, waveform: { vMaxV: number; cycles: number; points: number }, o: Options): Promise<CommandHandle> {
    return this.send('hysteresisLoop', { ...at, ...waveform }, o);
  }
  ivCurve(at: { xNm: number; yNm: number }, sweep: { vMaxV: number; points: number }, o: Options): Promise<CommandHandle> {
    return this.send('ivCurve', { ...at, ...sweep }, o);
  }
}

/** Scanning transmission electron microscope. */
export class Stem extends Instrument {
  constructor(options: Omit<InstrumentOptions, 'kind'>) {
    super({ ...options, kind: 'stem' });
  }
  scan(frame: { fovNm: number; pixels: number; dwellUs: number; detector?: 'haadf' | 'bf' }, o: Options): Promise<CommandHandle> {
    return this.send('scan', frame, o);
  }
  park(at: { xNm: number; yNm: number }, o: Options): Promise<CommandHandle> { return this.send('park', at, o); }
  blank(o: Options): Promise<CommandHandle> { return this.send('blank', {}, o); }
  unblank(o: Options): Promise<CommandHandle> { return this.send('unblank', {}, o); }
  eels(at: { xNm: number; yNm: number }, dwellMs: number, o: Options): Promise<CommandHandle> { return this.send('eels', { ...at, dwellMs }, o); }
  setOptics(name: string, value: number, toleranceAbs: number, o: Options): Promise<CommandHandle> {
    return this.send('setOptics', { name, value, toleranceAbs }, o);
  }
}

/** Synthesis robot: recipes in, samples out; a failed synthesis is an outcome, not an error. */
export class SynthesisRobot extends Instrument {
  constructor(options: Omit<InstrumentOptions, 'kind'>) {
    super({ ...options, kind: 'synthesis-robot' });
  }
  synthesize(sampleId: string, recipe: Recipe, o: Options): Promise<CommandHandle> { return this.send('synthesize', { sampleId, recipe }, o); }
  handover(sampleId: string, to: string, o: Options): Promise<CommandHandle> { return this.send('handover', { sampleId, to }, o); }
  halt(o: Options): Promise<CommandHandle> { return this.send('halt', {}, o); }
}

/** The facade for an instrument kind. */
export function createInstrument(options: InstrumentOptions): Instrument {
  switch (options.kind) {
    case 'spm': return new Spm(options);
    case 'stem': return new Stem(options);
    case 'synthesis-robot': return new SynthesisRobot(options);
  }
}
