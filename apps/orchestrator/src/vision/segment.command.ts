import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { decodeImage, type GrayImage, grayImage, type VisionTask } from '../../../../vision/src';
import { ModelRegistry } from './model-registry';
import { DEFAULT_VISION_CONFIG } from './vision-config';
import { VisionPipeline } from './vision-pipeline';
import type { FrameFeatures } from './vision-types';

/** Flags of `lab segment <image>`. */
export interface SegmentFlags {
  /** Model name (default: the atoms model, stem-atoms-v1). */
  model?: string;
  /** Print one JSON object instead of a table. */
  json?: boolean;
  /** Pixel size in nm, when the file does not say (TIFF with a centimetre resolution does). */
  pixelSizeNm?: number;
  /** Use the classical baseline instead of a model. */
  classical?: boolean;
  /** atoms or domains; default: the model's task, else atoms. */
  task?: VisionTask;
}

/** Where the command writes (stdout and stderr by default; tests pass their own). */
export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const STDIO: CommandIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** `<dir>/<name>.overlay.png` next to the image. */
export const overlayPathFor = (imagePath: string): string => join(dirname(imagePath), `${basename(imagePath, extname(imagePath))}.overlay.png`);

/**
 * `lab segment <image> [--model NAME] [--json]`: segment a TIFF or PNG file from disk with a model
 * (its task decides atoms or domains), print the features, and write the overlay PNG next to the
 * image. Returns the process exit code (0, or 1 with the reason on stderr).
 */
export async function segmentCommand(imagePath: string, flags: SegmentFlags = {}, io: CommandIo = STDIO): Promise<number> {
  const registry = new ModelRegistry();
  // One image: one worker is enough, and starts faster than the default two.
  const pipeline = new VisionPipeline({ registry, config: { ...DEFAULT_VISION_CONFIG, workers: 1 } });
  try {
    const decoded = decodeImage(await readFile(imagePath));
    const image = withPixelSize(decoded, flags.pixelSizeNm);
    // A named model decides the task; without one (or with --task), atoms or the task given.
    const task = flags.task ?? (flags.model ? (await registry.load(flags.model)).card.task : 'atoms');
    const result = await pipeline.analyzeImage(image, { task, model: flags.model, method: flags.classical ? 'classical' : 'model', atoms: true }, { file: imagePath });
    const overlayPath = overlayPathFor(imagePath);
    if (result.overlayPng) await writeFile(overlayPath, result.overlayPng);
    io.out(flags.json ? `${JSON.stringify(jsonReport(imagePath, overlayPath, image, result))}\n` : tableReport(imagePath, overlayPath, image, result));
    return 0;
  } catch (error) {
    io.err(`lab segment: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await pipeline.close();
  }
}

function withPixelSize(image: GrayImage, pixelSizeNm: number | undefined): GrayImage {
  if (pixelSizeNm === undefined) return image;
  if (!(pixelSizeNm > 0)) throw new RangeError(`--pixel-size-nm must be positive, got ${pixelSizeNm}`);
  return grayImage(image.width, image.height, image.data, pixelSizeNm);
}

function jsonReport(imagePath: string, overlayPath: string, image: GrayImage, result: FrameFeatures): Record<string, unknown> {
  return {
    image: imagePath,
    widthPx: image.width,
    heightPx: image.height,
    task: result.task,
    features: result.features,
    atoms: result.atoms?.map((a) => ({ xPx: round(a.x, 2), yPx: round(a.y, 2), class: a.className, confidence: round(a.confidence, 3) })),
    overlay: result.overlayPng ? overlayPath : null,
    provenance: result.provenance,
  };
}

function tableReport(imagePath: string, overlayPath: string, image: GrayImage, result: FrameFeatures): string {
  const p = result.provenance;
  const by = p.model ? `${p.model.name} (sha256 ${p.model.sha256.slice(0, 12)})` : `classical baseline${p.fallbackReason ? ` (model failed: ${p.fallbackReason})` : ''}`;
  const names = Object.keys(result.features);
  const width = Math.max(...names.map((n) => n.length));
  const lines = [
    `${imagePath}: ${image.width} x ${image.height} px${image.pixelSizeNm ? `, ${image.pixelSizeNm} nm/px` : ''}, ${result.task} by ${by}`,
    ...names.map((n) => `  ${n.padEnd(width)}  ${formatValue(result.features[n])}`),
    `  ${p.preprocessing}; ${p.latencyMs.toFixed(0)} ms (inference ${p.inferenceMs.toFixed(0)} ms)`,
    ...p.warnings.map((w) => `  warning: ${w}`),
    result.overlayPng ? `overlay: ${overlayPath}` : '',
  ];
  return `${lines.filter(Boolean).join('\n')}\n`;
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));
const formatValue = (v: number): string => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4));
