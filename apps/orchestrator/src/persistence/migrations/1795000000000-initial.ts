import { type MigrationInterface, type QueryRunner, Table, TableIndex, type TableColumnOptions } from 'typeorm';

const id = (name: string): TableColumnOptions => ({ name, type: 'varchar', length: '64', isPrimary: true });
const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const text = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'text', isNullable });
const double = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'double precision', isNullable });
const int = (name: string): TableColumnOptions => ({ name, type: 'integer' });

/** The first schema. Written with TypeORM's table builder so the same migration runs on SQLite and PostgreSQL. */
export class Initial1795000000000 implements MigrationInterface {
  name = 'Initial1795000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'campaign',
        columns: [
          id('id'), str('name', 200), str('status', 20), text('configText'), str('configSha256', 64), str('configFile', 500),
          str('labSha256', 64), int('seed'), str('plannerKind', 40), str('plannerVersion', 40),
          double('createdAtMs'), double('startedAtMs', true), double('finishedAtMs', true), text('statusReason', true),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'experiment',
        columns: [
          id('id'), str('campaignId', 64), int('index'), str('status', 20), str('sampleId', 100), str('proposedBy', 100),
          text('params'), text('predicted'), double('acquisition', true), text('explanation'), text('objectives', true),
          text('failureReason', true), double('proposedAtMs'), double('startedAtMs', true), double('finishedAtMs', true),
        ],
        indices: [new TableIndex({ columnNames: ['campaignId', 'index'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'command_log',
        columns: [
          id('cmdId'), { ...str('idempotencyKey', 200), isUnique: true }, str('campaignId', 64, true), str('experimentId', 64, true),
          str('stepId', 64, true), str('instrumentId', 64), str('action', 64), text('params'), str('issuedBy', 100),
          double('issuedAtMs'), double('deadlineMs'), double('expectedDurationS'), str('status', 20),
          double('ackAtMs', true), double('resultAtMs', true), text('outputs', true), text('error', true),
        ],
        indices: [new TableIndex({ columnNames: ['experimentId'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'measurement',
        columns: [
          id('id'), str('campaignId', 64), str('experimentId', 64), str('stepId', 64), str('instrumentId', 64), str('cmdId', 64),
          text('outputs'), text('features'), text('files'), double('createdAtMs'),
        ],
        indices: [new TableIndex({ columnNames: ['experimentId'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['measurement', 'command_log', 'experiment', 'campaign']) await q.dropTable(table);
  }
}
