import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.js';
import type { Store } from '../Store.js';
import { migrateToLatest } from '../migrate.js';

/**
 * The embedded default: one SQLite file in WAL mode. `synchronous=FULL` makes every
 * commit fsync the WAL, so an acked message survives a power cut, not just a crash;
 * the message path batches many messages per commit to keep that cheap.
 */
export async function openSqliteStore(dataDir: string): Promise<Store> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = new SQLite(path.join(dataDir, 'parley.db'));
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = FULL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  // Checkpoints run on commit once the WAL passes this many pages; bigger means fewer stalls.
  file.pragma('wal_autocheckpoint = 4000');

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
  await migrateToLatest(db as Kysely<unknown>);

  return {
    kind: 'sqlite',
    db,
    transaction: (fn) => db.transaction().execute(fn),
    close: () => db.destroy(),
  };
}
