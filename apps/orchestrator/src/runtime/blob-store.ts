import { createHash } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Raw data on disk, named by the sha256 of its bytes: the same frame is stored once, and never altered. */
export class BlobStore {
  constructor(readonly root: string) {}

  /** Store bytes; resolves with the hash and the path relative to the data directory. */
  async put(bytes: Uint8Array, extension: string): Promise<{ sha256: string; path: string }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const relative = join('blobs', sha256.slice(0, 2), `${sha256}.${extension}`);
    const absolute = join(this.root, relative);
    if (!(await exists(absolute))) {
      await mkdir(join(this.root, 'blobs', sha256.slice(0, 2)), { recursive: true });
      // Write then rename, so a crash never leaves a half-written file under the final name.
      const temp = `${absolute}.${process.pid}.tmp`;
      try {
        await writeFile(temp, bytes);
        await rename(temp, absolute);
      } catch (error) {
        // A full disk leaves a partial temp file: give its blocks back before the caller retries.
        await rm(temp, { force: true });
        throw error;
      }
    }
    return { sha256, path: relative };
  }
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);
