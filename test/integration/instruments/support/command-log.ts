import type { CommandJournal } from '@lab/instruments';
import { DbCommandJournal } from '../../../../apps/orchestrator/src/persistence/command-journal';
import { openDatabase } from '../../../../apps/orchestrator/src/persistence/data-source';
import { CommandLogEntity } from '../../../../apps/orchestrator/src/persistence/entities';

/** The orchestrator's command log (DbCommandJournal) on an in-memory SQLite, with a reader for its rows. */
export interface CommandLog {
  journal: CommandJournal;
  row(cmdId: string): Promise<CommandLogEntity | null>;
  rows(): Promise<CommandLogEntity[]>;
  close(): Promise<void>;
}

export async function openCommandLog(): Promise<CommandLog> {
  const db = await openDatabase('sqlite::memory:');
  const repository = db.getRepository(CommandLogEntity);
  return {
    journal: new DbCommandJournal(db),
    row: (cmdId) => repository.findOneBy({ cmdId }),
    rows: () => repository.find(),
    close: () => db.destroy(),
  };
}
