import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLE_FILES, BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type BundleFileEntry, type BundleManifest } from './bundle-format';

/** A bundle file whose bytes are not the ones the manifest recorded. */
export class BundleIntegrityError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

export const sha256Of = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

export async function fileEntry(dir: string, name: string): Promise<BundleFileEntry> {
  const bytes = await readFile(join(dir, name));
  return { sha256: sha256Of(bytes), bytes: bytes.length };
}

/** Read the manifest and check every file it lists; throws naming the first file that differs. */
export async function verifyBundle(dir: string): Promise<BundleManifest> {
  const text = await readFile(join(dir, BUNDLE_FILES.manifest), 'utf8').catch(() => {
    throw new BundleIntegrityError(BUNDLE_FILES.manifest, `${dir} has no ${BUNDLE_FILES.manifest}: not a campaign bundle`);
  });
  const manifest = JSON.parse(text) as BundleManifest;
  if (manifest.format !== BUNDLE_FORMAT) throw new BundleIntegrityError(BUNDLE_FILES.manifest, `${BUNDLE_FILES.manifest}: format '${String(manifest.format)}', expected '${BUNDLE_FORMAT}'`);
  if (manifest.formatVersion !== BUNDLE_FORMAT_VERSION) {
    throw new BundleIntegrityError(BUNDLE_FILES.manifest, `${BUNDLE_FILES.manifest}: bundle format version ${manifest.formatVersion}; this lab reads version ${BUNDLE_FORMAT_VERSION}`);
  }
  for (const [name, expected] of Object.entries(manifest.files)) {
    const actual = await fileEntry(dir, name).catch(() => undefined);
    if (!actual) throw new BundleIntegrityError(name, `${name}: listed in the manifest but missing from the bundle`);
    if (actual.sha256 !== expected.sha256) {
      throw new BundleIntegrityError(name, `${name}: checksum mismatch (manifest sha256 ${expected.sha256}, file ${actual.sha256}, ${actual.bytes} bytes): the file was changed after export`);
    }
  }
  return manifest;
}
