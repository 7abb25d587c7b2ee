import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage, encodeGray16Png, encodeTiff, grayImage } from '../../../../vision/src';
import { type CommandIo, overlayPathFor, segmentCommand } from './segment.command';
import { pfmDataFrame, stemDataFrame } from './testing/twin-frames';

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('lab segment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vision-segment-'));

  it('segments a float TIFF of a STEM frame, prints JSON and writes the overlay next to it', async () => {
    const { truth } = stemDataFrame(21, 160);
    const path = join(dir, 'haadf.tif');
    writeFileSync(path, encodeTiff(grayImage(160, 160, truth.image, truth.pixelSizeNm)));
    const io = capture();
    expect(await segmentCommand(path, { json: true }, io)).toBe(0);
    const report = JSON.parse(io.stdout.join('')) as { task: string; features: Record<string, number>; overlay: string; atoms: unknown[]; provenance: { model: { name: string }; pixelSizeNm: number } };
    expect(report.task).toBe('atoms');
    expect(report.features.atom_count).toBeGreaterThan(100);
    expect(report.provenance.model.name).toBe('stem-atoms-v1');
    expect(report.provenance.pixelSizeNm).toBeCloseTo(0.039, 6);
    expect(report.overlay).toBe(overlayPathFor(path));
    expect(decodeImage(readFileSync(report.overlay)).width).toBe(160);
  });

  it('segments a 16-bit PNG of a PFM phase frame with the domains model and prints a table', async () => {
    const { truth } = pfmDataFrame(22, 128);
    const path = join(dir, 'phase.png');
    // Degrees shifted to stay positive in an unsigned PNG would change the meaning; phase is 0..~200 here.
    writeFileSync(path, encodeGray16Png(grayImage(128, 128, truth.image.map((v) => Math.max(0, v)))));
    const io = capture();
    expect(await segmentCommand(path, { model: 'pfm-domains-v1', pixelSizeNm: truth.pixelSizeNm }, io)).toBe(0);
    const text = io.stdout.join('');
    expect(text).toMatch(/domains by pfm-domains-v1/);
    expect(text).toMatch(/domain_up_fraction\s+0\.\d+/);
    expect(text).toMatch(/wall_length_nm/);
    expect(existsSync(join(dir, 'phase.overlay.png'))).toBe(true);
  });

  it('fails with a clear message for files that are not images', async () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'hello');
    const io = capture();
    expect(await segmentCommand(path, {}, io)).toBe(1);
    expect(io.stderr.join('')).toMatch(/lab segment: not a PNG or TIFF file/);
  });
});
