/** Text for HTML content and attribute values: everything a campaign or a person wrote is escaped. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** JSON inside a <script> element: `<` escaped so no value can close the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A number as people read it in a table: 4 significant digits, exponent only when far from 1. */
export function fmt(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e5 || magnitude < 1e-3 ? value.toExponential(digits - 1) : String(Number(value.toPrecision(digits)));
}

export const pct = (share: number | null): string => (share === null ? '–' : `${(100 * share).toFixed(0)}%`);

export const isoTime = (epochMs: number | null): string => (epochMs === null ? '–' : new Date(epochMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'));

/** A table from a header row and body rows of already-escaped cells. */
export function table(head: string[], rows: string[][], className = ''): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${className ? ` class="${className}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export const paramsText = (params: Record<string, number | string>): string =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : v}`)
    .join(' ');
