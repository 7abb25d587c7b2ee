/** Connected regions of a mask (binary, or one value per class). */
export interface Components {
  /** Component id per pixel: 0 outside the mask, 1..count inside. */
  readonly ids: Int32Array;
  readonly count: number;
}

/**
 * Label the connected regions of a mask (pixels where mask != 0) by flood fill with an explicit
 * stack, so large regions cannot overflow the call stack. Neighbours join only when their mask
 * values are equal, so a label image (one value per class) gives one region per class blob even
 * where blobs of two classes touch. 4-connectivity keeps two atoms that only touch at a corner
 * apart; 8-connectivity suits domains.
 */
export function connectedComponents(mask: Uint8Array, width: number, height: number, connectivity: 4 | 8 = 4): Components {
  const ids = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  let count = 0;
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || ids[start] !== 0) continue;
    count++;
    let top = 0;
    stack[top++] = start;
    ids[start] = count;
    const value = mask[start];
    while (top > 0) {
      const p = stack[--top];
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          if ((dx === 0 && dy === 0) || (connectivity === 4 && dx !== 0 && dy !== 0)) continue;
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (mask[q] === value && ids[q] === 0) {
            ids[q] = count;
            stack[top++] = q;
          }
        }
      }
    }
  }
  return { ids, count };
}

/** Pixel count of each component (index 0 unused). */
export function componentAreas(components: Components): Int32Array {
  const areas = new Int32Array(components.count + 1);
  for (let i = 0; i < components.ids.length; i++) areas[components.ids[i]]++;
  areas[0] = 0;
  return areas;
}
