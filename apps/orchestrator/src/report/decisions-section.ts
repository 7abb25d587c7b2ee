import type { ExperimentEntity } from '../persistence/entities';
import { escapeHtml, fmt, paramsText, table } from './html';
import type { ReportData } from './report-data';

/** Every decision: who proposed what, what the model expected, what was measured, and why. */
export function decisionsSection(data: ReportData): string {
  const names = data.objectives.map((o) => o.name);
  const rows = data.experiments.map((e) => [
    String(e.index + 1),
    escapeHtml(e.proposedBy) + (e.approvedBy && !e.approvedBy.startsWith('policy:') ? `<br><small>approved by ${escapeHtml(e.approvedBy)}</small>` : ''),
    `<span class="params">${escapeHtml(paramsText(e.params))}</span>`,
    names.map((n) => (e.predicted?.[n] ? `${fmt(e.predicted[n].mean)} ± ${fmt(e.predicted[n].sd, 2)}` : '–')).join('<br>'),
    e.objectives ? names.map((n) => fmt(e.objectives?.[n])).join('<br>') : escapeHtml(e.failureReason ?? '–'),
    `<span class="badge ${escapeHtml(e.status)}">${escapeHtml(e.status)}</span>`,
    whyOf(e),
  ]);
  const head = ['#', 'proposed by', 'parameters', `predicted (mean ± sd)`, 'measured', 'status', 'why'];
  return `<section id="decisions"><h2>Every decision</h2><p class="note">Predictions were stored before each experiment ran; objectives: ${names.map(escapeHtml).join(', ')}.</p><div class="table-wrap">${table(head, rows, 'decisions')}</div></section>`;
}

function whyOf(e: ExperimentEntity): string {
  const x = e.explanation;
  const reason = typeof x.reason === 'string' ? escapeHtml(x.reason) : '';
  // Shares only mean something for a model-based proposal (an initial design point is all exploration by construction).
  const modelBased = Object.keys(e.predicted ?? {}).length > 0;
  const shares = modelBased && typeof x.exploitShare === 'number' && typeof x.exploreShare === 'number' && x.exploitShare + x.exploreShare > 0
    ? ` <small>exploit ${(100 * x.exploitShare).toFixed(0)}% / explore ${(100 * x.exploreShare).toFixed(0)}%${typeof x.feasibility === 'number' && x.feasibility < 1 ? `, P(success) ${fmt(x.feasibility, 2)}` : ''}</small>`
    : '';
  const excluded = e.excludedReason ? `<br><strong>excluded from the model:</strong> ${escapeHtml(e.excludedReason)}` : '';
  return `${reason}${shares}${excluded}`;
}
