import type { CampaignConfig } from '@lab/config';
import type { DataFrame } from '@lab/drivers';
import type { Candidate } from '@lab/planners';
import type { Atom } from '@lab/vision';

type CandidatesConfig = NonNullable<CampaignConfig['candidates']>;

/**
 * Candidate tiles over an atom-resolved overview, each described by what its segmentation saw:
 * the share of columns read as vacant, and how sure the model was. A low-dose overview is noisy:
 * its vacancy estimate is a hint, and low confidence marks where a closer look pays.
 */
export function candidatesFromAtoms(frame: DataFrame, atoms: readonly Atom[], spec: CandidatesConfig): Candidate[] {
  const [rows, cols] = frame.header.shape;
  if (rows !== cols) throw new Error(`candidates need a square image; ${spec.from.channel} is ${rows}x${cols}`);
  const pixelSizeNm = frame.header.pixelSizeNm ?? 1;
  const originNm = frame.header.originNm ?? { xNm: 0, yNm: 0 };
  const tilePx = rows / spec.grid;
  const tiles = Array.from({ length: spec.grid * spec.grid }, () => ({ columns: 0, vacant: 0, confidence: 0 }));
  for (const atom of atoms) {
    const gx = Math.min(spec.grid - 1, Math.max(0, Math.floor(atom.x / tilePx)));
    const gy = Math.min(spec.grid - 1, Math.max(0, Math.floor(atom.y / tilePx)));
    const tile = tiles[gy * spec.grid + gx];
    tile.columns += 1;
    tile.confidence += atom.confidence;
    if (atom.className === 'vacancy') tile.vacant += 1;
  }
  const unknown = spec.features.filter((f) => !(f in ATOM_FEATURES));
  if (unknown.length > 0) throw new Error(`features ${unknown.join(', ')} are not computed from an atom overview; use ${Object.keys(ATOM_FEATURES).join(', ')}`);
  return tiles.map((tile, i) => {
    const xNm = originNm.xNm + ((i % spec.grid) + 0.5) * tilePx * pixelSizeNm;
    const yNm = originNm.yNm + (Math.floor(i / spec.grid) + 0.5) * tilePx * pixelSizeNm;
    const at = { xNm, yNm, tile };
    return {
      point: { [spec.parameters.x]: round(xNm), [spec.parameters.y]: round(yNm) },
      features: spec.features.map((name) => ATOM_FEATURES[name as AtomFeature](at)),
    };
  });
}

interface TileAt {
  xNm: number;
  yNm: number;
  tile: { columns: number; vacant: number; confidence: number };
}

const ATOM_FEATURES = {
  xNm: ({ xNm }: TileAt) => xNm,
  yNm: ({ yNm }: TileAt) => yNm,
  vacancy_estimate: ({ tile }: TileAt) => (tile.columns === 0 ? 0 : tile.vacant / tile.columns),
  overview_confidence: ({ tile }: TileAt) => (tile.columns === 0 ? 0 : tile.confidence / tile.columns),
};
type AtomFeature = keyof typeof ATOM_FEATURES;

const round = (nm: number): number => Math.round(nm * 1000) / 1000;
