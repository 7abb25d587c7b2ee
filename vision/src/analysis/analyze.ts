import { DEFAULT_LOG_OPTIONS, detectAtomsLoG, type LogAtomOptions } from '../classical/log-atoms';
import { DEFAULT_PHASE_OPTIONS, type PhaseThresholdOptions, thresholdDomains } from '../classical/threshold-domains';
import type { GrayImage } from '../image/gray-image';
import { type Atom, atomsFromClassMaps } from '../postprocess/atoms';
import { type ClassMaps, frameConfidence } from '../postprocess/class-maps';
import { domainMasks, domainStats } from '../postprocess/domains';
import { ATOM_CLASSES, atomFeatures, DOMAIN_CLASSES, domainFeatures, type FeatureMap } from '../postprocess/features';

/** What a frame shows: atomic columns (STEM) or ferroelectric domains (PFM phase). */
export type VisionTask = 'atoms' | 'domains';

/** Everything post-processing derives from one frame. */
export interface FrameAnalysis {
  task: VisionTask;
  features: FeatureMap;
  /** Detected atoms and vacant sites (empty for domain frames). */
  atoms: Atom[];
  /** Class index per pixel, indexing `classes`. */
  labels: Uint8Array;
  classes: readonly string[];
}

/** Parts of a blob at least this large are separate objects (an atom touching a vacancy). */
const SPLIT_AREA_PX = 4;

/** Class names a task's segmentation uses, in channel order. */
export const TASK_CLASSES: Record<VisionTask, readonly string[]> = { atoms: ATOM_CLASSES, domains: DOMAIN_CLASSES };

/** Post-processing of a model's class maps into atoms, domains and named features. */
export function analyzeSegmentation(task: VisionTask, maps: ClassMaps, image: GrayImage, minAtomAreaPx = 2): FrameAnalysis {
  const geometry = { width: image.width, height: image.height, pixelSizeNm: image.pixelSizeNm };
  const index = (name: string): number => {
    const i = maps.classes.indexOf(name);
    if (i < 0) throw new RangeError(`segmentation has no class '${name}' (classes: ${maps.classes.join(', ')})`);
    return i;
  };
  if (task === 'atoms') {
    const backgroundIndex = index('background');
    const atoms = atomsFromClassMaps(maps, { backgroundIndex, minAreaPx: minAtomAreaPx, splitAreaPx: SPLIT_AREA_PX });
    const features = { ...atomFeatures(atoms, geometry), confidence: frameConfidence(maps, backgroundIndex) };
    return { task, features, atoms, labels: maps.labels, classes: maps.classes };
  }
  const plane = image.width * image.height;
  const masks = domainMasks(maps.probabilities, plane, { up: index('domain_up'), down: index('domain_down'), wall: index('wall') });
  const features = { ...domainFeatures(domainStats(masks.up, masks.wall, image.width, image.height), geometry), confidence: frameConfidence(maps, undefined) };
  return { task, features, atoms: [], labels: maps.labels, classes: maps.classes };
}

/** Options of the classical methods, per task. */
export interface ClassicalOptions {
  atoms: LogAtomOptions;
  domains: PhaseThresholdOptions;
}

export const DEFAULT_CLASSICAL_OPTIONS: ClassicalOptions = { atoms: DEFAULT_LOG_OPTIONS, domains: DEFAULT_PHASE_OPTIONS };

/**
 * The classical baseline on a frame, with the same outputs as a model (labels, atoms, features).
 * It reports no confidence and, for atoms, no vacancy features: it cannot see empty columns, and
 * a fallback must not claim a vacancy fraction of zero.
 */
export function analyzeClassical(task: VisionTask, image: GrayImage, options: ClassicalOptions = DEFAULT_CLASSICAL_OPTIONS): FrameAnalysis {
  const geometry = { width: image.width, height: image.height, pixelSizeNm: image.pixelSizeNm };
  const classes = TASK_CLASSES[task];
  const labels = new Uint8Array(image.width * image.height);
  if (task === 'atoms') {
    const atoms = detectAtomsLoG(image, options.atoms);
    for (const atom of atoms) labels[Math.round(atom.y) * image.width + Math.round(atom.x)] = atom.classIndex;
    const features = atomFeatures(atoms, geometry);
    for (const name of Object.keys(features)) if (name.startsWith('vacancy')) delete features[name];
    return { task, features, atoms, labels, classes };
  }
  const { up, wall } = thresholdDomains(image, options.domains);
  for (let i = 0; i < labels.length; i++) labels[i] = wall[i] ? 2 : up[i] ? 0 : 1;
  const features = domainFeatures(domainStats(up, wall, image.width, image.height), geometry);
  return { task, features, atoms: [], labels, classes };
}
