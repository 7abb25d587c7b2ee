import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DataSource } from 'typeorm';
import { readReportAssets } from './report-assets';
import { loadReportData } from './report-data';
import { renderReport } from './report-html';
import { collectImages } from './report-images';

export interface WriteReportOptions {
  db: DataSource;
  campaignId: string;
  /** Where the blobs are (the lab's dataDir): frames and overlays are read from here. */
  dataDir: string;
  outFile: string;
  /** How many experiments get their image in the report. */
  imageLimit?: number;
}

/** Read a campaign from the database and write its report; resolves with the file's size in bytes. */
export async function writeReport({ db, campaignId, dataDir, outFile, imageLimit = 6 }: WriteReportOptions): Promise<{ bytes: number }> {
  const data = await loadReportData(db, campaignId);
  const { images, missing } = await collectImages(data, dataDir, imageLimit);
  const html = renderReport({ data, images, missingImages: missing, assets: readReportAssets(), generatedAtMs: Date.now() });
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, html, 'utf8');
  return { bytes: Buffer.byteLength(html) };
}
