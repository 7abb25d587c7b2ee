import type { ExperimentRecord } from './bundle-format';

/** What the table needs to know about the campaign: its parameter and objective names (over every config version). */
export interface CsvColumns {
  parameters: string[];
  objectives: string[];
}

/**
 * experiments.csv: one row per experiment (rejected proposals included, with their status), so a
 * spreadsheet or pandas opens the campaign without the NeXus file. Empty cells are missing
 * values; parameters and objectives keep their own names, which carry their units.
 */
export function experimentsCsv(experiments: ExperimentRecord[], columns: CsvColumns): string {
  const header = [
    'index',
    'experiment_id',
    'status',
    'proposed_by',
    'approved_by',
    'sample_id',
    ...columns.parameters,
    ...columns.objectives.flatMap((o) => [`predicted_${o}_mean`, `predicted_${o}_sd`]),
    ...columns.objectives,
    'acquisition',
    'excluded_reason',
    'failure_reason',
    'proposed_at',
    'finished_at',
  ];
  const rows = experiments.map((e) => [
    e.index,
    e.id,
    e.status,
    e.proposedBy,
    e.approvedBy,
    e.sampleId,
    ...columns.parameters.map((p) => e.params[p]),
    ...columns.objectives.flatMap((o) => [e.predicted[o]?.mean, e.predicted[o]?.sd]),
    ...columns.objectives.map((o) => e.objectives?.[o]),
    e.acquisition,
    e.excludedReason,
    e.failureReason,
    isoTime(e.proposedAtMs),
    isoTime(e.finishedAtMs),
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

const isoTime = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** RFC 4180: quote cells with a comma, quote or line break; numbers as JavaScript prints them (round-trip exact). */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
