import { join, resolve } from 'node:path';
import { exportCampaign } from '../export/export-campaign';
import { BundleIntegrityError } from '../export/manifest';
import { replayBundle } from '../export/replay-bundle';
import { replayTable } from '../export/replay-table';
import { withCampaignDatabase } from './campaign-database';
import type { CommonFlags } from './options';

export interface ExportFlags extends CommonFlags {
  out?: string;
}

/** `lab export <campaignId>`: the campaign as a bundle directory (docs/export.md); the id may be a unique prefix. */
export async function exportCommand(campaign: string, flags: ExportFlags): Promise<number> {
  return withCampaignDatabase('export', campaign, flags, (line) => process.stderr.write(`${line}\n`), async ({ db, campaignId, dataDir }) => {
    const startedAtMs = Date.now();
    // Under the data directory by default: bundles are data, not sources to commit.
    const result = await exportCampaign(db, dataDir, campaignId, flags.out ?? join(dataDir, 'exports', campaignId));
    const totalBytes = result.files.reduce((sum, f) => sum + f.bytes, 0);
    for (const f of result.files) process.stdout.write(`${f.name.padEnd(20)} ${String(f.bytes).padStart(12)} bytes\n`);
    process.stdout.write(`exported ${result.experiments} experiments and ${result.frames} frames to ${result.dir} (${totalBytes} bytes) in ${Date.now() - startedAtMs} ms\n`);
    return 0;
  });
}

/** `lab replay <bundleDir>`: exit 0 when every planner proposal replays identically, 1 when one diverges, 2 when the bundle is damaged. */
export async function replayCommand(bundleDir: string, flags: { json?: boolean }): Promise<number> {
  try {
    const report = await replayBundle(resolve(bundleDir));
    process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : replayTable(report));
    return report.verdict === 'identical' ? 0 : 1;
  } catch (error) {
    if (!(error instanceof BundleIntegrityError)) throw error;
    process.stderr.write(`lab replay: ${error.message}\n`);
    return 2;
  }
}
