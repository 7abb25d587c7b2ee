import { PLANNERS_VERSION } from '@lab/planners';
import { escapeHtml, isoTime, table } from './html';
import type { ReportData } from './report-data';

interface ModelUse {
  name: string;
  sha256: string;
  frames: number;
}

/** The ONNX models whose outputs became objectives, with their sha256 and how many frames each analysed. */
export function modelsUsed(data: ReportData): { models: ModelUse[]; classicalFrames: number } {
  const models = new Map<string, ModelUse>();
  let classicalFrames = 0;
  for (const file of data.measurements.flatMap((m) => m.files)) {
    const analysis = file.analysis;
    if (!analysis) continue;
    const model = modelOf(analysis.model);
    if (model) {
      const key = `${model.name}:${model.sha256}`;
      const use = models.get(key) ?? { ...model, frames: 0 };
      use.frames += 1;
      models.set(key, use);
    } else if (analysis.method === 'classical') {
      classicalFrames += 1;
    }
  }
  return { models: [...models.values()], classicalFrames };
}

/** The `{name, sha256}` an analysis records for its ONNX model, if it used one. */
function modelOf(value: unknown): { name: string; sha256: string } | null {
  if (typeof value !== 'object' || value === null || !('sha256' in value) || typeof value.sha256 !== 'string') return null;
  return { name: 'name' in value ? String(value.name) : 'unnamed', sha256: value.sha256 };
}

/** What it takes to trust or replay the campaign: config hashes and versions, planner, models, seed. */
export function provenanceSection(data: ReportData, generatedAtMs: number): string {
  const { campaign } = data;
  const { models, classicalFrames } = modelsUsed(data);
  const plannerNote = campaign.plannerVersion === PLANNERS_VERSION ? '' : ` (this report was written with planners ${escapeHtml(PLANNERS_VERSION)})`;
  const facts: [string, string][] = [
    ['config file', escapeHtml(campaign.configFile)],
    ['config sha256', `<code>${escapeHtml(campaign.configSha256)}</code>`],
    ['lab file sha256', `<code>${escapeHtml(campaign.labSha256)}</code>`],
    ['planner', `${escapeHtml(campaign.plannerKind)} version ${escapeHtml(campaign.plannerVersion)}${plannerNote}`],
    ['seed', String(campaign.seed)],
    ['created', isoTime(campaign.createdAtMs)],
    ['report written', isoTime(generatedAtMs)],
  ];
  const versions = data.configVersions.length
    ? table(['version', 'sha256', 'author', 'reason', 'at'], data.configVersions.map((v) => [String(v.version), `<code>${escapeHtml(v.sha256)}</code>`, escapeHtml(v.author), escapeHtml(v.reason ?? ''), isoTime(v.createdAtMs)]))
    : '<p class="note">One config version: the campaign ran as created.</p>';
  const modelTable = models.length
    ? table(['model', 'sha256', 'frames analysed'], models.map((m) => [escapeHtml(m.name), `<code>${escapeHtml(m.sha256)}</code>`, String(m.frames)]))
    : '<p class="note">No ONNX model analysed data in this campaign.</p>';
  return `<section id="provenance"><h2>Provenance</h2>
<dl class="facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
<h3>Config versions</h3>${versions}
<h3>Models</h3>${modelTable}${classicalFrames ? `<p class="note">${classicalFrames} frame(s) analysed by the classical method.</p>` : ''}
<details><summary>Config in force (${campaign.configText.split('\n').length} lines)</summary><pre>${escapeHtml(campaign.configText)}</pre></details>
</section>`;
}
