import { join } from 'node:path';
import type { PfmBenchResult } from './pfm';
import { percent, spreadCell, type Target, tables } from './report';
import { writeLinePlot } from './svg-plot';

export interface PfmReport {
  discovery: { markdown: string; text: string };
  mapping: { markdown: string; text: string };
  noise: { markdown: string; text: string };
  targets: Target[];
  plots: string[];
}

const isCampaign = (strategy: string): boolean => strategy.includes('(campaign)');
const isSpatial = (strategy: string): boolean => strategy.startsWith('spatial-only');

/** Tables, targets (per seed set) and SVG plots of a PFM bench result. */
export function pfmReport(result: PfmBenchResult, plotDir: string | null): PfmReport {
  const { budgetDiscovery, budgetMapping, budgetMappingBaseline, locations } = result.grid;
  const pct = (p: number): number => Math.round((p / 100) * locations);
  const discovery = tables(
    ['set', 'strategy', 'loops to half of top-1 % [IQR]', 'found at 1 %', 'found at 3 %', 'found at 5 %', 'tip travel per loop, nm'],
    result.discovery.map((r) => [
      r.set,
      r.strategy,
      spreadCell(r.loopsToHalfTop1, r.strategy.includes('order') || r.strategy.startsWith('bound') ? locations : budgetDiscovery),
      percent(r.found.at1pct.median),
      percent(r.found.at3pct.median),
      percent(r.found.at5pct.median),
      r.travelNmPerLoop.median.toFixed(0),
    ]),
  );
  const checkpoints = [pct(1), pct(3), budgetMapping];
  const mapping = tables(
    ['set', 'strategy', ...checkpoints.map((c) => `R^2 at ${c} loops [IQR]`), 'loops to R^2 0.8 [IQR]'],
    result.mapping.map((r) => [
      r.set,
      r.strategy,
      ...checkpoints.map((c) => {
        const point = r.curve.find((p) => p.loops === c);
        return point ? `${point.median.toFixed(2)} [${point.q25.toFixed(2)}, ${point.q75.toFixed(2)}]` : '-';
      }),
      spreadCell(r.loopsToR2, isSpatial(r.strategy) ? budgetMappingBaseline : budgetMapping),
    ]),
  );

  const noise = tables(
    ['set', 'c-AFM pixel noise', 'current feature', 'loops to half of top-1 % [IQR]', 'found at 3 %', `mapping R^2 at ${budgetMapping} loops [IQR]`],
    result.noise.map((r) => [
      r.set,
      `${r.noisePa} pA`,
      r.features,
      spreadCell(r.loopsToHalfTop1, budgetDiscovery),
      percent(r.foundAt3pct.median),
      `${r.r2AtBudget.median.toFixed(2)} [${r.r2AtBudget.q25.toFixed(2)}, ${r.r2AtBudget.q75.toFixed(2)}]`,
    ]),
  );

  const targets: Target[] = [];
  for (const set of result.sets) {
    const d = result.discovery.filter((r) => r.set === set.name);
    const campaign = d.find((r) => isCampaign(r.strategy));
    if (campaign) {
      const loops = campaign.loopsToHalfTop1.median;
      targets.push({ part: 'PFM discovery', name: `${set.name}: loops to half of the top-1 %`, goal: `<= ${pct(3)} (3 %)`, measured: Number.isFinite(loops) ? String(loops) : `>${budgetDiscovery}`, met: loops <= pct(3) });
    }
    const m = result.mapping.filter((r) => r.set === set.name);
    const mapCampaign = m.find((r) => isCampaign(r.strategy));
    const mapSpatial = m.find((r) => isSpatial(r.strategy));
    if (mapCampaign) {
      const r2 = mapCampaign.curve.find((p) => p.loops === budgetMapping)?.median ?? Number.NaN;
      targets.push({ part: 'PFM mapping', name: `${set.name}: R^2 at 5 % of the locations`, goal: `>= 0.8 at ${budgetMapping} loops`, measured: r2.toFixed(2), met: r2 >= 0.8 });
      if (mapSpatial) {
        const ours = mapCampaign.loopsToR2.median;
        const theirs = mapSpatial.loopsToR2.median;
        const measured = `${Number.isFinite(ours) ? ours : `>${budgetMapping}`} vs ${Number.isFinite(theirs) ? theirs : `>${budgetMappingBaseline}`}`;
        targets.push({ part: 'PFM mapping', name: `${set.name}: loops to R^2 0.8, structure-aware vs spatial-only`, goal: 'at least 2x fewer', measured, met: Number.isFinite(ours) && (Number.isFinite(theirs) ? theirs >= 2 * ours : budgetMappingBaseline >= 2 * ours) });
      }
    }
  }

  const plots: string[] = [];
  if (plotDir) {
    for (const set of result.sets) {
      const file = join(plotDir, `campaigns-pfm-discovery-${set.key}.svg`);
      writeLinePlot(file, {
        title: `PFM discovery, ${set.name}`,
        xLabel: 'loops measured',
        yLabel: 'share of top-1 % found (mean)',
        xMax: budgetDiscovery,
        yMin: 0,
        yMax: 1,
        hLines: [0.5],
        vLines: [pct(3)],
        series: result.discovery.filter((r) => r.set === set.name).map((r) => ({ label: r.strategy, points: r.foundCurve.map((y, k) => ({ x: k + 1, y })) })),
      });
      plots.push(file);
      const mapFile = join(plotDir, `campaigns-pfm-mapping-${set.key}.svg`);
      writeLinePlot(mapFile, {
        title: `PFM mapping, ${set.name}`,
        xLabel: 'loops measured',
        yLabel: 'R^2 over all locations (median)',
        xMax: budgetMappingBaseline,
        yMin: -0.5,
        yMax: 1,
        hLines: [0.8],
        vLines: [budgetMapping],
        series: result.mapping.filter((r) => r.set === set.name).map((r) => ({ label: r.strategy, points: r.curve.map((p) => ({ x: p.loops, y: p.median })) })),
      });
      plots.push(mapFile);
    }
  }
  return { discovery, mapping, noise, targets, plots };
}
