import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './data-source';
import { CampaignEntity } from './entities';

describe('database', () => {
  it('runs its migrations on a new SQLite file, in WAL mode, and the entities match them exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-'));
    const db = await openDatabase(`sqlite:${join(dir, 'lab.sqlite')}`);
    try {
      expect(await db.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      const pending = await db.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      expect(await db.showMigrations()).toBe(false);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps epoch milliseconds exact through a round trip', async () => {
    const db = await openDatabase('sqlite::memory:');
    try {
      const now = 1795000000123;
      await db.getRepository(CampaignEntity).insert({
        id: 'c', name: 'n', status: 'created', configText: 't', configSha256: 'h', configFile: 'f', labSha256: 'l', seed: 1,
        plannerKind: 'gp-ei', plannerVersion: '1', createdAtMs: now, startedAtMs: null, finishedAtMs: null, statusReason: null,
      });
      expect((await db.getRepository(CampaignEntity).findOneByOrFail({ id: 'c' })).createdAtMs).toBe(now);
    } finally {
      await db.destroy();
    }
  });

  it('names an unsupported database URL', async () => {
    await expect(openDatabase('mysql://x')).rejects.toThrow(/must start with sqlite: or postgres:\/\//);
  });
});
