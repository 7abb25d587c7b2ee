import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../persistence/data-source';
import { resolveCampaignId } from '../report';
import { type CommonFlags, runtimeOptions } from './options';

export interface CampaignDatabase {
  db: DataSource;
  campaignId: string;
  /** The lab's data directory (blobs, reports, exports), absolute. */
  dataDir: string;
}

/**
 * For commands that read one campaign after the fact (`lab report`, `lab export`): open only the
 * lab's database and data directory (no broker, no twins, so they run beside a live lab), find
 * the campaign by id or unique prefix, run `use`, close. Problems are printed as
 * `lab <command>: ...` and give exit code 1.
 */
export async function withCampaignDatabase(command: string, campaign: string, flags: CommonFlags, err: (line: string) => void, use: (found: CampaignDatabase) => Promise<number>): Promise<number> {
  const options = runtimeOptions(flags, err);
  const url = options.databaseUrl ?? options.lab.config.database.url;
  const sqliteFile = url.startsWith('sqlite:') ? resolve(options.baseDir, url.slice('sqlite:'.length)) : null;
  // Opening a missing SQLite file would create an empty database and then say "no campaign".
  if (sqliteFile && !existsSync(sqliteFile)) {
    err(`lab ${command}: no database at ${sqliteFile}`);
    return 1;
  }
  const db = await openDatabase(url, options.baseDir);
  try {
    let campaignId: string;
    try {
      campaignId = await resolveCampaignId(db, campaign);
    } catch (error) {
      err(`lab ${command}: ${(error as Error).message}`);
      return 1;
    }
    return await use({ db, campaignId, dataDir: resolve(options.baseDir, options.lab.config.dataDir) });
  } finally {
    await db.destroy();
  }
}
