import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One line of a plot: points in data units. */
export interface Series {
  label: string;
  points: Array<{ x: number; y: number }>;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#7f7f7f', '#9467bd', '#ff7f0e'];
const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A small line plot as a standalone SVG file (no dependencies, readable on GitHub): axes with a
 * few ticks, one polyline per series, a legend, and optional horizontal/vertical guide lines.
 */
export function writeLinePlot(
  file: string,
  opts: { title: string; xLabel: string; yLabel: string; xMax: number; yMin: number; yMax: number; series: Series[]; hLines?: number[]; vLines?: number[] },
): void {
  const width = 560;
  const height = 340;
  const left = 56;
  const right = 190;
  const top = 30;
  const bottom = 44;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const sx = (x: number): number => left + (x / opts.xMax) * plotW;
  const sy = (y: number): number => top + plotH - ((Math.min(opts.yMax, Math.max(opts.yMin, y)) - opts.yMin) / (opts.yMax - opts.yMin)) * plotH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="${left}" y="18" font-size="13">${escape(opts.title)}</text>`);
  parts.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`);
  for (let k = 0; k <= 4; k++) {
    const xv = (opts.xMax * k) / 4;
    const yv = opts.yMin + ((opts.yMax - opts.yMin) * k) / 4;
    parts.push(`<text x="${sx(xv)}" y="${top + plotH + 14}" text-anchor="middle">${Number(xv.toFixed(1))}</text>`);
    parts.push(`<text x="${left - 6}" y="${sy(yv) + 4}" text-anchor="end">${Number(yv.toFixed(2))}</text>`);
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${sy(yv)}" y2="${sy(yv)}" stroke="#eee"/>`);
  }
  for (const h of opts.hLines ?? []) parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${sy(h)}" y2="${sy(h)}" stroke="#000" stroke-dasharray="4 3"/>`);
  for (const v of opts.vLines ?? []) parts.push(`<line x1="${sx(v)}" x2="${sx(v)}" y1="${top}" y2="${top + plotH}" stroke="#000" stroke-dasharray="4 3"/>`);
  parts.push(`<text x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle">${escape(opts.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(opts.yLabel)}</text>`);
  opts.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const path = s.points.filter((p) => Number.isFinite(p.y) && p.x <= opts.xMax).map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    const ly = top + 10 + 16 * i;
    parts.push(`<line x1="${left + plotW + 10}" x2="${left + plotW + 28}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`);
    parts.push(`<text x="${left + plotW + 32}" y="${ly + 4}">${escape(s.label)}</text>`);
  });
  parts.push('</svg>');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${parts.join('\n')}\n`);
}
