import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as H5wasm from 'h5wasm';

export type H5 = typeof H5wasm;

let loaded: Promise<H5> | undefined;

/**
 * The Node build of h5wasm (reads and writes the real file system), ready to use.
 *
 * h5wasm ships only as an ES module and this build is CommonJS. tsc rewrites `import()` into
 * `require()`, and the usual escape, a Function-built `import()`, fails under vitest ("A dynamic
 * import callback was not specified": its modules run in a vm context). Node's own `require` of
 * an ES module without top-level await (on by default since Node 20.19, our engines floor) works
 * in both, so the module is required by its file path.
 */
export function loadH5wasm(): Promise<H5> {
  loaded ??= (async () => {
    const h5 = createRequire(__filename)(nodeEntry()) as H5;
    await h5.ready;
    return h5;
  })();
  return loaded;
}

/**
 * Its file, found where `require` would look for the package: the package exports only an
 * `import` condition, so `require.resolve('h5wasm/node')` refuses it.
 */
function nodeEntry(): string {
  const paths = createRequire(__filename).resolve.paths('h5wasm') ?? [];
  for (const dir of paths) {
    const file = join(dir, 'h5wasm', 'dist', 'node', 'hdf5_hl.js');
    if (existsSync(file)) return file;
  }
  throw new Error(`h5wasm is not installed (looked in ${paths.join(', ')}); run npm ci`);
}
