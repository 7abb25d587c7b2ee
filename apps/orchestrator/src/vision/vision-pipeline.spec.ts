import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, from, take, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePng, encodeTiff, grayImage } from '../../../../vision/src';
import { ModelRegistry, registrySources } from './model-registry';
import { pfmDataFrame, stemDataFrame, truthCounts } from './testing/twin-frames';
import { VisionPipeline } from './vision-pipeline';
import { UnsupportedFrameError } from './vision-errors';

describe('vision pipeline on twin frames (worker threads, committed models)', () => {
  const pipeline = new VisionPipeline();
  afterAll(() => pipeline.close());

  it('computes STEM features end to end that agree with the twin truth', async () => {
    const { frame, truth } = stemDataFrame(4242);
    const result = await pipeline.features(frame, { atoms: true });
    const expected = truthCounts(truth);
    expect(result.task).toBe('atoms');
    expect(result.features.atom_count).toBeGreaterThan(0.97 * expected.atoms);
    expect(result.features.atom_count).toBeLessThan(1.03 * expected.atoms);
    const trueVacancyFraction = expected.vacancies / (expected.atoms + expected.vacancies);
    expect(Math.abs(result.features.vacancy_fraction - trueVacancyFraction)).toBeLessThan(0.03);
    expect(result.features.species_b_fraction).toBeGreaterThan(0.4);
    expect(result.features.species_b_fraction).toBeLessThan(0.6);
    expect(result.features.vacancy_density_per_nm2).toBeGreaterThanOrEqual(0);
    expect(result.features.confidence).toBeGreaterThan(0.5);
    expect(result.atoms?.length).toBe(result.features.atom_count + result.features.vacancy_count);
    expect(result.provenance).toMatchObject({ method: 'model', model: { name: 'stem-atoms-v1' }, tiles: 1, pixelSizeNm: 0.039, source: { dataId: 'd-4242' } });
    expect(result.provenance.model?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const overlay = decodePng(result.overlayPng ?? new Uint8Array());
    expect([overlay.width, overlay.height]).toEqual([256, 256]);
  });

  it('computes PFM domain features end to end', async () => {
    const { frame, truth } = pfmDataFrame(77);
    const result = await pipeline.features(frame, { overlay: false });
    const trueUp = truth.up.reduce((s, v) => s + v, 0) / truth.up.length;
    expect(result.task).toBe('domains');
    expect(Math.abs(result.features.domain_up_fraction - trueUp)).toBeLessThan(0.03);
    expect(result.features.wall_length_nm).toBeGreaterThan(0);
    expect(result.overlayPng).toBeUndefined();
  });

  it('tiles a frame larger than the model tile and still finds every atom once', async () => {
    const { frame, truth } = stemDataFrame(99, 640, 10);
    const result = await pipeline.features(frame, { overlay: false });
    expect(result.provenance.tiles).toBeGreaterThan(1);
    const expected = truthCounts(truth);
    expect(result.features.atom_count).toBeGreaterThan(0.97 * expected.atoms);
    expect(result.features.atom_count).toBeLessThan(1.03 * expected.atoms);
  });

  it('analyses a stream of frames, reports each on results$, and survives an unreadable one', async () => {
    const frames = [1, 2, 3].map((seed) => stemDataFrame(seed, 128).frame);
    const unreadable = { ...frames[1], header: { ...frames[1].header, dataId: 'd-bf', channel: 'bf' } };
    const seen = firstValueFrom(pipeline.results$.pipe(take(4), toArray()));
    const results = await firstValueFrom(pipeline.connect(from([frames[0], unreadable, frames[1], frames[2]]), { overlay: false }).pipe(toArray()));
    expect(results.filter((r) => r.ok).map((r) => r.source.dataId).sort()).toEqual(['d-1', 'd-2', 'd-3']);
    expect(results.find((r) => !r.ok)).toMatchObject({ source: { dataId: 'd-bf' }, error: expect.any(UnsupportedFrameError) });
    expect((await seen).map((r) => r.source.dataId).sort()).toEqual(['d-1', 'd-2', 'd-3', 'd-bf']);
  });

  it('picks up TIFF files from a watched folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vision-watch-'));
    const { truth } = stemDataFrame(5, 128);
    const results = firstValueFrom(pipeline.watchFolder(dir, { task: 'atoms', overlay: false }, { settleMs: 20 }).pipe(take(1)));
    writeFileSync(join(dir, 'frame-001.tif'), encodeTiff(grayImage(128, 128, truth.image, truth.pixelSizeNm)));
    writeFileSync(join(dir, 'notes.txt'), 'not an image');
    const [first] = [await results];
    expect(first.ok && first.result.features.atom_count).toBeGreaterThan(50);
    expect(first.source.file).toBe(join(dir, 'frame-001.tif'));
  });

  it('rejects frames it has no task for', async () => {
    const { frame } = stemDataFrame(6, 64);
    await expect(pipeline.features({ ...frame, header: { ...frame.header, channel: 'bf' } })).rejects.toBeInstanceOf(UnsupportedFrameError);
  });
});

describe('model failure', () => {
  it('falls back to the classical method and says why', async () => {
    const registry = new ModelRegistry({ ...registrySources({ models: [], defaults: {} }, process.cwd()), defaults: { atoms: 'missing-model', domains: 'missing-model' } });
    const pipeline = new VisionPipeline({ registry });
    try {
      const { frame } = stemDataFrame(8, 128);
      const result = await pipeline.features(frame, { overlay: false });
      expect(result.provenance.method).toBe('classical');
      expect(result.provenance.fallbackReason).toMatch(/no model named 'missing-model'/);
      expect(result.features.atom_count).toBeGreaterThan(50);
      expect(result.features.vacancy_fraction).toBeUndefined();
      expect(result.features.confidence).toBeUndefined();
    } finally {
      await pipeline.close();
    }
  });
});
