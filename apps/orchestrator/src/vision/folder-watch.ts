import { type FSWatcher, watch } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Observable } from 'rxjs';

const IMAGE_EXTENSIONS = new Set(['.tif', '.tiff', '.png']);

/** Options of a watched folder. */
export interface WatchOptions {
  /** Also emit the images already in the folder (sorted by name). Default true. */
  existing?: boolean;
  /** A file counts as written once its size has not changed for this long. Default 200 ms. */
  settleMs?: number;
}

/**
 * Paths of TIFF and PNG files as they appear in a folder, each once, after its size has stopped
 * changing (an instrument may still be writing it). Emits paths, not pixels: the reader decides
 * when to load each file, so a slow consumer holds names in memory, not frames.
 */
export function watchImageFolder(dir: string, options: WatchOptions = {}): Observable<string> {
  const settleMs = options.settleMs ?? 200;
  return new Observable<string>((subscriber) => {
    const seen = new Set<string>();
    const timers = new Map<string, NodeJS.Timeout>();
    let watcher: FSWatcher | undefined;
    let closed = false;

    const settle = (name: string, lastSize = -1): void => {
      clearTimeout(timers.get(name));
      timers.set(
        name,
        setTimeout(() => {
          const path = join(dir, name);
          stat(path).then(
            (s) => {
              if (closed || seen.has(name)) return;
              if (!s.isFile()) return;
              if (s.size !== lastSize || s.size === 0) return settle(name, s.size);
              timers.delete(name);
              seen.add(name);
              subscriber.next(path);
            },
            () => timers.delete(name), // vanished before it settled
          );
        }, settleMs),
      );
    };
    const consider = (name: string | null): void => {
      if (!name || seen.has(name) || !IMAGE_EXTENSIONS.has(extname(name).toLowerCase())) return;
      settle(name);
    };

    try {
      watcher = watch(dir, (_event, name) => consider(typeof name === 'string' ? name : null));
      watcher.on('error', (error) => subscriber.error(error));
    } catch (error) {
      subscriber.error(error);
      return undefined;
    }
    if (options.existing !== false) {
      readdir(dir).then(
        (names) => names.sort().forEach(consider),
        (error: unknown) => subscriber.error(error),
      );
    }
    return () => {
      closed = true;
      watcher?.close();
      for (const timer of timers.values()) clearTimeout(timer);
    };
  });
}
