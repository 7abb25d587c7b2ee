import type { ChartSpec } from './chart-specs';
import { escapeHtml, fmt, isoTime, paramsText, table } from './html';
import { scoreOf } from './objective-score';
import type { ReportData } from './report-data';

const count = (data: ReportData, status: string): number => data.experiments.filter((e) => e.status === status).length;

/** Campaign, how it ended, and the best result (the Pareto set when there are two or more objectives). */
export function summarySection(data: ReportData, pareto: ChartSpec | null): string {
  const { campaign } = data;
  const durationS = campaign.startedAtMs !== null && campaign.finishedAtMs !== null ? (campaign.finishedAtMs - campaign.startedAtMs) / 1000 : null;
  const facts: [string, string][] = [
    ['campaign', `${escapeHtml(campaign.name)} <code>${escapeHtml(campaign.id)}</code>`],
    ['status', `<span class="badge ${escapeHtml(campaign.status)}">${escapeHtml(campaign.status)}</span>${campaign.statusReason ? ` ${escapeHtml(campaign.statusReason)}` : ''}`],
    ['experiments', `${data.experiments.length} of a budget of ${data.budgetExperiments}: ${count(data, 'succeeded')} succeeded, ${count(data, 'failed')} failed (sample), ${count(data, 'error')} could not be carried out`],
    ['objectives', data.objectives.map((o) => `${escapeHtml(o.name)} (${o.direction}${o.direction === 'target' ? ` ${o.target}` : ''})`).join(', ')],
    ['ran', `${isoTime(campaign.startedAtMs)} to ${isoTime(campaign.finishedAtMs)}${durationS !== null ? ` (${fmt(durationS, 3)} s)` : ''}`],
  ];
  const dl = `<dl class="facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
  return `<section id="summary"><h2>Summary</h2>${dl}${bestBlock(data, pareto)}</section>`;
}

function bestBlock(data: ReportData, pareto: ChartSpec | null): string {
  const measured = data.experiments.filter((e) => e.objectives && !e.excludedReason);
  if (measured.length === 0) return '<p class="best">No experiment was measured.</p>';
  if (data.objectives.length === 1) {
    const [objective] = data.objectives;
    const value = (e: (typeof measured)[number]) => e.objectives?.[objective.name];
    const best = measured.filter((e) => value(e) !== undefined).sort((a, b) => scoreOf(objective, value(b) as number) - scoreOf(objective, value(a) as number))[0];
    if (!best) return '<p class="best">No experiment measured the objective.</p>';
    return `<div class="best" id="best-result"><h3>Best result</h3><p><strong>${escapeHtml(objective.name)} = ${fmt(value(best))}</strong> in experiment ${best.index + 1} (sample <code>${escapeHtml(best.sampleId)}</code>)</p><p class="params">${escapeHtml(paramsText(best.params))}</p></div>`;
  }
  const frontIds = new Set(pareto?.kind === 'pareto' ? pareto.front.map((p) => p.experiment) : []);
  const onFront = measured.filter((e) => frontIds.has(e.index + 1) || pareto === null);
  const rows = onFront.map((e) => [String(e.index + 1), ...data.objectives.map((o) => fmt(e.objectives?.[o.name])), escapeHtml(paramsText(e.params))]);
  const what = pareto ? `the ${onFront.length} non-dominated experiments (Pareto front)` : 'every measured experiment (no single best with three objectives)';
  return `<div class="best" id="best-result"><h3>Best results: ${what}</h3>${table(['#', ...data.objectives.map((o) => o.name), 'parameters'], rows)}</div>`;
}
