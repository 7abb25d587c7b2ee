import { join, relative, resolve } from 'node:path';
import { writeReport } from '../report';
import { withCampaignDatabase } from './campaign-database';
import type { CommonFlags } from './options';

export interface ReportFlags extends CommonFlags {
  out?: string;
}

export interface ReportIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const stdio: ReportIo = { out: (line) => void process.stdout.write(`${line}\n`), err: (line) => void process.stderr.write(`${line}\n`) };

/**
 * `lab report <campaignId>`: write one self-contained HTML file about a campaign. Only the
 * database and the data directory are opened (no broker, no twins), so it runs beside a live lab.
 * The default file goes under the lab's dataDir (`reports/<id>.html`), next to the raw data it
 * describes and outside version control.
 */
export async function reportCommand(campaign: string, flags: ReportFlags, io: ReportIo = stdio): Promise<number> {
  return withCampaignDatabase('report', campaign, flags, io.err, async ({ db, campaignId, dataDir }) => {
    const outFile = flags.out ? resolve(flags.out) : join(dataDir, 'reports', `${campaignId}.html`);
    const { bytes } = await writeReport({ db, campaignId, dataDir, outFile });
    const shown = relative(process.cwd(), outFile);
    io.out(`wrote ${shown && !shown.startsWith('..') ? shown : outFile} (${(bytes / 1024).toFixed(0)} KiB) for campaign ${campaignId}`);
    return 0;
  });
}
