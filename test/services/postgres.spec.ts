import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../apps/orchestrator/src/persistence/data-source';
import { CommandLogEntity, ExperimentEntity } from '../../apps/orchestrator/src/persistence/entities';
import { campaignText, startTestOrchestrator, testLab } from '../support/lab';

/** PostgreSQL at 127.0.0.1:5432 (trust auth, database `test`), as on the CI machine. */
const ADMIN_URL = process.env.LAB_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemaDb = `lab_${randomUUID().slice(0, 8)}`;
const url = ADMIN_URL.replace(/\/[^/]*$/, `/${schemaDb}`);

describe('PostgreSQL', () => {
  let admin: DataSource;
  beforeAll(async () => {
    admin = await new DataSource({ type: 'postgres', url: ADMIN_URL }).initialize();
    await admin.query(`CREATE DATABASE ${schemaDb}`);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${schemaDb} WITH (FORCE)`);
    await admin.destroy();
  });

  it('runs the same migrations, and the entities match them exactly', async () => {
    const db = await openDatabase(url);
    try {
      expect((await db.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('runs a campaign end to end with PostgreSQL as the database', async () => {
    const { lab, cleanup } = testLab();
    lab.config.database.url = url;
    const orchestrator = await startTestOrchestrator(lab);
    try {
      const text = campaignText('config/campaigns/demo.yaml', (t) => t.replace('experiments: 24', 'experiments: 4'));
      const row = await orchestrator.campaigns.create({ file: 'demo.yaml', text, seed: 3 });
      const summary = await (await orchestrator.campaigns.start(row.id)).done;
      expect(summary.status).toBe('completed');
      const db = orchestrator.runtime.db;
      expect(await db.getRepository(ExperimentEntity).countBy({ campaignId: row.id })).toBe(4);
      const commands = await db.getRepository(CommandLogEntity).findBy({ campaignId: row.id });
      expect(commands.length).toBe(orchestrator.runtime.sim?.ledger().length);
      expect(commands.every((c) => typeof c.issuedAtMs === 'number' && c.status === 'succeeded')).toBe(true);
    } finally {
      await orchestrator.close();
      cleanup();
    }
  });
});
