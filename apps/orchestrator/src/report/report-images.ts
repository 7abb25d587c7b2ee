import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MeasurementEntity, StoredFile } from '../persistence/entities';
import { framePng } from './frame-png';
import { scoreOf } from './objective-score';
import type { ReportData } from './report-data';

/** One image of the report, its pixels inline so the file needs nothing else to open. */
export interface ReportImage {
  experiment: number;
  stepId: string;
  caption: string;
  frameDataUri: string;
  overlayDataUri: string | null;
  widthPx: number;
  heightPx: number;
}

const dataUri = (png: Buffer): string => `data:image/png;base64,${png.toString('base64')}`;

/**
 * Which experiments get a picture: the best one first, then others spread over the campaign, so
 * the reader sees how the images changed as the planner learned.
 */
export function pickImageExperiments(data: ReportData, withImages: ReadonlySet<string>, limit: number): string[] {
  const candidates = data.experiments.filter((e) => withImages.has(e.id));
  if (candidates.length === 0 || limit <= 0) return [];
  const [objective] = data.objectives;
  const scored = candidates.filter((e) => e.objectives?.[objective.name] !== undefined && !e.excludedReason);
  const best = scored.sort((a, b) => scoreOf(objective, b.objectives?.[objective.name] as number) - scoreOf(objective, a.objectives?.[objective.name] as number))[0];
  const picked = best ? [best.id] : [];
  const spread = Math.max(1, limit - picked.length);
  for (let k = 0; k < spread && picked.length < limit; k++) {
    const e = candidates[Math.round((k * (candidates.length - 1)) / Math.max(1, spread - 1))];
    if (!picked.includes(e.id)) picked.push(e.id);
  }
  return picked;
}

const imageFileOf = (m: MeasurementEntity): StoredFile | undefined => m.files.find((f) => f.kind === 'image');

/** Frames and their segmentation overlays for a few experiments; a blob missing on disk is skipped, not fatal. */
export async function collectImages(data: ReportData, dataDir: string, limit = 6): Promise<{ images: ReportImage[]; missing: number }> {
  const lastImageOf = new Map<string, MeasurementEntity>();
  for (const m of data.measurements) if (imageFileOf(m)) lastImageOf.set(m.experimentId, m);
  const images: ReportImage[] = [];
  let missing = 0;
  for (const experimentId of pickImageExperiments(data, new Set(lastImageOf.keys()), limit)) {
    const measurement = lastImageOf.get(experimentId) as MeasurementEntity;
    const file = imageFileOf(measurement) as StoredFile;
    const experiment = data.experiments.find((e) => e.id === experimentId);
    try {
      const frame = framePng(await readFile(join(dataDir, file.path)));
      const overlay = overlayPathOf(file);
      const overlayPng = overlay ? await readFile(join(dataDir, overlay)).catch(() => null) : null;
      images.push({
        experiment: (experiment?.index ?? 0) + 1,
        stepId: measurement.stepId,
        caption: captionOf(measurement, file),
        frameDataUri: dataUri(frame.png),
        overlayDataUri: overlayPng ? dataUri(overlayPng) : null,
        widthPx: frame.widthPx,
        heightPx: frame.heightPx,
      });
    } catch {
      missing += 1;
    }
  }
  images.sort((a, b) => a.experiment - b.experiment);
  return { images, missing };
}

function overlayPathOf(file: StoredFile): string | null {
  const overlay = file.analysis?.overlay;
  return typeof overlay === 'object' && overlay !== null && 'path' in overlay && typeof overlay.path === 'string' ? overlay.path : null;
}

function captionOf(measurement: MeasurementEntity, file: StoredFile): string {
  const model = file.analysis?.model;
  const method = typeof model === 'object' && model !== null && 'name' in model ? `model ${String(model.name)}` : String(file.analysis?.method ?? 'no analysis');
  const features = Object.entries(measurement.features)
    .slice(0, 4)
    .map(([k, v]) => `${k} ${Number(v).toPrecision(3)}`)
    .join(', ');
  return `${measurement.stepId} · ${file.channel ?? 'image'} ${file.shape.join('×')} · ${method}${features ? ` · ${features}` : ''}`;
}
