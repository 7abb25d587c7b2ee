import { type CampaignCalibration, calibrationVerdict } from './calibration';
import { escapeHtml, fmt, pct, table } from './html';

/** Predicted against measured for each objective: the chart, the numbers next to their nominal values, a verdict. */
export function calibrationSection(calibration: CampaignCalibration, chartDivs: Map<string, string>): string {
  const { nominal } = calibration;
  const blocks = calibration.objectives.map((c) => {
    const rows = [
      ['predictions checked', String(c.pairs.length), `${c.unpredicted} measured without a model prediction (initial design)`],
      ['within 1 sd', pct(c.within1SdShare), `nominal ${pct(nominal.within1Sd)}`],
      ['within 2 sd', pct(c.within2SdShare), `nominal ${pct(nominal.within2Sd)}`],
      ['mean |z|', fmt(c.meanAbsZ, 3), `nominal ${fmt(nominal.meanAbsZ, 3)}`],
      ['mean z', fmt(c.meanZ, 3), 'positive: measured above the prediction'],
      ['RMSE', fmt(c.rmse), `in ${escapeHtml(c.objective)} units`],
    ];
    const coverage = c.coverage.length
      ? table(['nominal coverage', ...c.coverage.map((p) => pct(p.nominal))], [['observed', ...c.coverage.map((p) => pct(p.observed))]], 'coverage')
      : '';
    return `<div class="calibration" data-objective="${escapeHtml(c.objective)}">
${chartDivs.get(`calibration-${c.objective}`) ?? '<p class="note">No prediction to check yet: every measurement so far came before the model (initial design) or failed.</p>'}
<div><h3>${escapeHtml(c.objective)}</h3><p class="verdict">${escapeHtml(calibrationVerdict(c))}</p>${table(['', 'observed', ''], rows, 'numbers')}${coverage}</div>
</div>`;
  });
  return `<section id="calibration"><h2>Predicted against measured</h2><p class="note">Each point is one experiment: what the model predicted before it ran (bars: ±2 sd) against what was measured. On the dashed line the prediction was exact; z = (measured − mean) / sd.</p>${blocks.join('\n')}</section>`;
}
