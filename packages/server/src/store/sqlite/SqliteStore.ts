import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Store } from '../Store.js';
import { migrateToLatest } from '../migrate.js';
import type { Logger } from 'pino';
import { Checkpointer } from './Checkpointer.js';
import { DurableSqliteDialect } from './DurableSqliteDialect.js';
import { SearchIndexer } from './SearchIndexer.js';
import { sqliteReceiptPath } from './sqliteReceiptPath.js';
import { sqliteSendPath } from './sqliteSendPath.js';

const CHECKPOINT_EVERY_MS = 100;

/**
 * The embedded default: one SQLite file in WAL mode. Every commit is flushed to disk before it
 * resolves, so an acked message survives a power cut, not just a crash; the flush runs off the
 * event loop (DurableSqliteDialect), and the message path batches many messages per commit.
 */
export async function openSqliteStore(dataDir: string, log: Logger): Promise<Store> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = new SQLite(path.join(dataDir, 'parley.db'));
  file.pragma('journal_mode = WAL');
  // NORMAL: no fsync inside COMMIT; the dialect fsyncs the WAL after it instead (and checkpoints still sync).
  file.pragma('synchronous = NORMAL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  // Statements that change many rows (a batch's counter bump, its search index feed) keep a journal
  // to undo themselves on a constraint error; in memory it costs no file writes.
  file.pragma('temp_store = MEMORY');
  // Past this many pages the writer checkpoints itself, in its COMMIT. The Checkpointer has copied
  // nearly all of it by then, so that is short; and only a checkpoint between commits lets SQLite
  // start the WAL over, which one racing a busy writer never completes.
  file.pragma('wal_autocheckpoint = 4000');

  const dialect = new DurableSqliteDialect(file);
  const db = new Kysely<Database>({ dialect });
  await migrateToLatest(db as Kysely<unknown>);
  const checkpointer = new Checkpointer(file.name, CHECKPOINT_EVERY_MS, (message) => log.warn({ err: message }, 'background checkpoint failed'));
  const searchIndexer = new SearchIndexer(db);

  const transaction: Store['transaction'] = async (fn) => {
    const result = await db.transaction().execute(fn);
    await dialect.flushed();
    return result;
  };

  return {
    kind: 'sqlite',
    ...sqliteSendPath,
    ...sqliteReceiptPath,
    db,
    transaction,
    sendTransaction: (_keys, fn) => transaction(fn),
    receiptTransaction: transaction,
    searchCaughtUp: () => searchIndexer.caughtUp(),
    close: async () => {
      await searchIndexer.idle();
      await checkpointer.stop();
      await db.destroy();
    },
  };
}
