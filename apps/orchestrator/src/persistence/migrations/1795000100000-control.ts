import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Human control: the audit log, config versions of running campaigns, approvals and exclusions. */
export class Control1795000100000 implements MigrationInterface {
  name = 'Control1795000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'atMs', type: 'double precision' },
          { name: 'actor', type: 'varchar', length: '64' },
          { name: 'role', type: 'varchar', length: '20' },
          { name: 'action', type: 'varchar', length: '40' },
          { name: 'target', type: 'varchar', length: '64', isNullable: true },
          { name: 'reason', type: 'text', isNullable: true },
          { name: 'details', type: 'text' },
          { name: 'outcome', type: 'varchar', length: '10' },
          { name: 'message', type: 'text', isNullable: true },
        ],
        indices: [new TableIndex({ columnNames: ['atMs'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'campaign_config',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'campaignId', type: 'varchar', length: '64' },
          { name: 'version', type: 'integer' },
          { name: 'text', type: 'text' },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'author', type: 'varchar', length: '64' },
          { name: 'reason', type: 'text', isNullable: true },
          { name: 'createdAtMs', type: 'double precision' },
        ],
        indices: [new TableIndex({ columnNames: ['campaignId', 'version'], isUnique: true })],
      }),
    );
    await q.addColumns('experiment', [
      new TableColumn({ name: 'approvedBy', type: 'varchar', length: '100', isNullable: true }),
      new TableColumn({ name: 'excludedReason', type: 'text', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('experiment', ['approvedBy', 'excludedReason']);
    await q.dropTable('campaign_config');
    await q.dropTable('audit_log');
  }
}
