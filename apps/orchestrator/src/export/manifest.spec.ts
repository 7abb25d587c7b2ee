import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type BundleManifest } from './bundle-format';
import { BundleIntegrityError, sha256Of, verifyBundle } from './manifest';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function bundle(files: Record<string, string>, over: Partial<BundleManifest> = {}): string {
  dir = mkdtempSync(join(tmpdir(), 'bundle-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    campaignId: 'c',
    campaignName: 'n',
    status: 'completed',
    planner: { kind: 'gp-ei', version: '1', seed: 1 },
    labSha256: '',
    configVersions: [],
    createdAt: '',
    createdBy: 'test',
    files: Object.fromEntries(Object.entries(files).map(([name, text]) => [name, { sha256: sha256Of(text), bytes: text.length }])),
    ...over,
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('bundle manifest', () => {
  it('accepts a bundle whose files match', async () => {
    await expect(verifyBundle(bundle({ 'a.csv': 'x\n1\n', 'b.json': '{}' }))).resolves.toMatchObject({ campaignId: 'c' });
  });

  it('names the file whose bytes changed', async () => {
    const d = bundle({ 'a.csv': 'x\n1\n', 'b.json': '{}' });
    writeFileSync(join(d, 'b.json'), '{"forged":true}');
    const error = await verifyBundle(d).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleIntegrityError);
    expect((error as BundleIntegrityError).file).toBe('b.json');
    expect((error as Error).message).toMatch(/^b\.json: checksum mismatch/);
  });

  it('names a missing file, and refuses other formats and versions', async () => {
    const d = bundle({ 'a.csv': 'x' });
    rmSync(join(d, 'a.csv'));
    await expect(verifyBundle(d)).rejects.toThrow('a.csv: listed in the manifest but missing');
    rmSync(d, { recursive: true });
    await expect(verifyBundle(bundle({}, { formatVersion: 99 }))).rejects.toThrow('bundle format version 99');
    rmSync(dir, { recursive: true });
    await expect(verifyBundle(bundle({}, { format: 'other' as typeof BUNDLE_FORMAT }))).rejects.toThrow("format 'other'");
  });
});
