import { connectedComponents } from './components';

/** Domain statistics of a PFM frame. */
export interface DomainStats {
  /** Fraction of pixels on the up side of the up/down partition (walls split by side). */
  upFraction: number;
  /** Fraction of pixels labelled wall. */
  wallFraction: number;
  /** Domain wall length in pixel units (Cauchy-Crofton estimate on the up/down partition). */
  wallLengthPx: number;
  /** Connected up and down regions (8-connected). */
  domainCount: number;
}

/**
 * Length of the boundaries of a binary partition, in pixels, by the Cauchy-Crofton formula: an
 * isotropic curve of length L crosses the rows and columns of a unit grid 4L/pi times on average,
 * so L = pi/4 x (number of 4-neighbour pairs that differ). Unbiased for any orientation, unlike
 * counting boundary pixels (which overcounts diagonals by up to sqrt 2).
 */
export function boundaryLengthPx(up: Uint8Array, width: number, height: number): number {
  let crossings = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (x + 1 < width && up[i] !== up[i + 1]) crossings++;
      if (y + 1 < height && up[i] !== up[i + width]) crossings++;
    }
  }
  return (Math.PI / 4) * crossings;
}

/**
 * Domain statistics from an up/down partition and a wall mask. The partition (not the wall mask)
 * measures the wall length, because a wall band's width depends on how it was labelled while the
 * line between the two sides does not.
 */
export function domainStats(up: Uint8Array, wall: Uint8Array, width: number, height: number): DomainStats {
  let upCount = 0;
  let wallCount = 0;
  for (let i = 0; i < up.length; i++) {
    upCount += up[i];
    wallCount += wall[i];
  }
  const down = new Uint8Array(up.length);
  for (let i = 0; i < up.length; i++) down[i] = 1 - up[i];
  const n = Math.max(1, up.length);
  return {
    upFraction: upCount / n,
    wallFraction: wallCount / n,
    wallLengthPx: boundaryLengthPx(up, width, height),
    domainCount: connectedComponents(up, width, height, 8).count + connectedComponents(down, width, height, 8).count,
  };
}

/** The up/down partition and wall mask from planar class probabilities of (up, down, wall) classes. */
export function domainMasks(probabilities: Float32Array, plane: number, indices: { up: number; down: number; wall: number }): { up: Uint8Array; wall: Uint8Array } {
  const up = new Uint8Array(plane);
  const wall = new Uint8Array(plane);
  for (let i = 0; i < plane; i++) {
    const pUp = probabilities[indices.up * plane + i];
    const pDown = probabilities[indices.down * plane + i];
    const pWall = probabilities[indices.wall * plane + i];
    up[i] = pUp >= pDown ? 1 : 0;
    wall[i] = pWall > pUp && pWall > pDown ? 1 : 0;
  }
  return { up, wall };
}
