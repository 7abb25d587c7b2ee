import { readFileSync, writeFileSync } from 'node:fs';
import { atomQuality, DOSE_LEVELS, domainQuality, SIGNAL_LEVELS } from '../bench/vision/quality';
import { inProcessModel } from '../bench/vision/in-process-model';
import { loadModel } from '../apps/orchestrator/src/vision/model-loader';

/**
 * Score a trained model on fresh twin frames (benchmark seeds, never trained on) beside the
 * classical baseline, print it, and record it in the model card's `metrics.twinTest` (the ONNX file
 * and its sha256 are untouched).
 *
 *   node <build>/training/evaluate.js --card models/stem-atoms-v1.card.json [--frames 20] [--no-write]
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const cardPath = at('card');
  if (!cardPath) throw new Error('missing --card');
  const frames = Number(at('frames') ?? 20);
  const loaded = await loadModel(cardPath);
  const model = await inProcessModel(loaded, 2);
  const rows: Record<string, unknown>[] = [];
  if (loaded.card.task === 'atoms') {
    for (const dose of DOSE_LEVELS) {
      const m = await atomQuality(model, dose, frames);
      const c = await atomQuality(undefined, dose, frames);
      rows.push({ dose: dose.name, dwellUs: dose.dwellUs, doseEPerA2: m.doseEPerA2, frames, modelF1: m.atoms.f1, modelPrecision: m.atoms.precision, modelRecall: m.atoms.recall, speciesAccuracy: m.speciesAccuracy, vacancyF1: m.vacancies?.f1, vacancyFractionMae: m.vacancyFractionMae, classicalF1: c.atoms.f1, classicalSpeciesAccuracy: c.speciesAccuracy });
    }
  } else {
    for (const level of SIGNAL_LEVELS) {
      const m = await domainQuality(model, level, frames);
      const c = await domainQuality(undefined, level, frames);
      rows.push({ signal: level.name, ferroStrength: level.ferroStrength, frames, modelIou: m.iou, modelUpFractionMae: m.upFractionMae, modelWallLengthRelError: m.wallLengthRelError, classicalIou: c.iou, classicalWallLengthRelError: c.wallLengthRelError });
    }
  }
  await model.session.release();
  const rounded = JSON.parse(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(4)) : v))) as Record<string, unknown>[];
  for (const row of rounded) process.stdout.write(`${JSON.stringify(row)}\n`);
  if (!args.includes('--no-write')) {
    const card = JSON.parse(readFileSync(cardPath, 'utf8')) as { metrics?: Record<string, unknown> };
    card.metrics = { ...card.metrics, twinTest: { note: `fresh twin frames of 256 px, seeds from 900000, ${frames} per level; classical baseline beside`, rows: rounded } };
    writeFileSync(cardPath, `${JSON.stringify(card, null, 2)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
