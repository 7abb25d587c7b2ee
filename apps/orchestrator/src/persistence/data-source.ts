import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * A DataSource for `sqlite:<path>` (better-sqlite3, WAL) or `postgres://...`. Migrations run at
 * open; the schema is never synchronized from the entities.
 */
export async function openDatabase(url: string, baseDir = process.cwd()): Promise<DataSource> {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: true, synchronize: false, logging: false } as const;
  let dataSource: DataSource;
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    dataSource = new DataSource({ type: 'postgres', url, ...common });
  } else if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    const database = file === ':memory:' ? file : resolve(baseDir, file);
    if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database,
      enableWAL: true,
      // Concurrent readers (the CLI, a second orchestrator checking the file) wait instead of failing.
      prepareDatabase: (db: { pragma: (sql: string) => unknown }) => {
        db.pragma('busy_timeout = 5000');
        // better-sqlite3 builds SQLite with a 16 MB page cache per connection (its
        // SQLITE_DEFAULT_CACHE_SIZE=-16000), which fills as the database grows: over a long campaign
        // that showed as resident memory that never came back (docs/benchmarks.md, soak). 2 MB is
        // SQLite's own default; the operating system's file cache keeps hot pages anyway.
        db.pragma('cache_size = -2000');
      },
      ...common,
    });
  } else {
    throw new Error(`database url must start with sqlite: or postgres://, got '${url}'`);
  }
  await dataSource.initialize();
  return dataSource;
}
