import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { openDatabase } from '../persistence/data-source';
import { resolveCampaignId, writeReport } from '../report';
import { type CommonFlags, runtimeOptions } from './options';

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
  const options = runtimeOptions(flags, io.err);
  const url = options.databaseUrl ?? options.lab.config.database.url;
  const sqliteFile = url.startsWith('sqlite:') ? resolve(options.baseDir, url.slice('sqlite:'.length)) : null;
  // Opening a missing SQLite file would create an empty database and then report "no campaign".
  if (sqliteFile && !existsSync(sqliteFile)) {
    io.err(`lab report: no database at ${sqliteFile}`);
    return 1;
  }
  const db = await openDatabase(url, options.baseDir);
  try {
    let campaignId: string;
    try {
      campaignId = await resolveCampaignId(db, campaign);
    } catch (error) {
      io.err(`lab report: ${(error as Error).message}`);
      return 1;
    }
    const dataDir = resolve(options.baseDir, options.lab.config.dataDir);
    const outFile = flags.out ? resolve(flags.out) : join(dataDir, 'reports', `${campaignId}.html`);
    const { bytes } = await writeReport({ db, campaignId, dataDir, outFile });
    const shown = relative(process.cwd(), outFile);
    io.out(`wrote ${shown && !shown.startsWith('..') ? shown : outFile} (${(bytes / 1024).toFixed(0)} KiB) for campaign ${campaignId}`);
    return 0;
  } finally {
    await db.destroy();
  }
}
