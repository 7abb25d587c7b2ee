import { type CampaignCalibration, calibrate } from './calibration';
import { calibrationSection } from './calibration-section';
import { calibrationCharts, type ChartSpec, convergenceCharts, paretoChart, propertyMapChart } from './chart-specs';
import { decisionsSection } from './decisions-section';
import { escapeHtml, isoTime, scriptJson } from './html';
import { imagesSection } from './images-section';
import { provenanceSection } from './provenance-section';
import { inlineSafe, type ReportAssets } from './report-assets';
import type { ReportData } from './report-data';
import type { ReportImage } from './report-images';
import { REPORT_CSS } from './report-style';
import { summarySection } from './summary-section';

export interface ReportInput {
  data: ReportData;
  images: ReportImage[];
  missingImages: number;
  assets: ReportAssets;
  generatedAtMs: number;
}

const chartDiv = (spec: ChartSpec): string => `<div class="chart" id="chart-${escapeHtml(spec.id)}" data-kind="${spec.kind}"></div>`;

/** The calibration the report shows (also what GET /api/campaigns/:id/calibration answers). */
export const calibrationOf = (data: ReportData): CampaignCalibration => calibrate(data.objectives.map((o) => o.name), data.experiments);

/** One self-contained HTML document: styles, uPlot, chart data and images are all inside it. */
export function renderReport({ data, images, missingImages, assets, generatedAtMs }: ReportInput): string {
  const calibration = calibrationOf(data);
  const convergence = convergenceCharts(data);
  const pareto = paretoChart(data);
  const map = pareto ? null : propertyMapChart(data);
  const calibrationSpecs = calibrationCharts(calibration);
  const charts = [...convergence, ...(pareto ? [pareto] : []), ...(map ? [map] : []), ...calibrationSpecs];
  const landscape = pareto ?? map;
  const landscapeSection = landscape
    ? `<section id="${pareto ? 'pareto' : 'property-map'}"><h2>${pareto ? 'Pareto front' : 'Property map'}</h2><p class="note">${
        pareto ? 'Every measured experiment; the non-dominated ones (no other experiment is better in both objectives) are joined.' : 'Measured experiments over the two parameters the model weighs most (for a campaign over candidate locations, where they are), coloured by the measured value.'
      }</p>${chartDiv(landscape)}</section>`
    : '';
  const sections = [
    summarySection(data, pareto),
    `<section id="convergence"><h2>Convergence</h2><p class="note">Each measurement, and the best so far, by experiment.</p><div class="charts">${convergence.map(chartDiv).join('')}</div></section>`,
    landscapeSection,
    calibrationSection(calibration, new Map(calibrationSpecs.map((s) => [s.id, chartDiv(s)]))),
    decisionsSection(data),
    imagesSection(images, missingImages),
    provenanceSection(data, generatedAtMs),
  ].filter(Boolean);
  const nav = [['summary', 'Summary'], ['convergence', 'Convergence'], ...(landscape ? [[pareto ? 'pareto' : 'property-map', pareto ? 'Pareto front' : 'Property map']] : []), ['calibration', 'Predicted vs measured'], ['decisions', 'Decisions'], ...(images.length ? [['images', 'Images']] : []), ['provenance', 'Provenance']];
  const title = `Campaign report: ${data.campaign.name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lab report">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${inlineSafe(assets.uplotCss, 'style')}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><p class="note">${escapeHtml(data.campaign.id)} · written ${isoTime(generatedAtMs)}</p>
<nav>${nav.map(([id, label]) => `<a href="#${id}">${label}</a>`).join('')}</nav></header>
${sections.join('\n')}
<script type="application/json" id="report-charts">${scriptJson(charts)}</script>
<script>${inlineSafe(assets.uplotJs, 'script')}</script>
<script>${inlineSafe(assets.clientJs, 'script')}</script>
</body>
</html>
`;
}
