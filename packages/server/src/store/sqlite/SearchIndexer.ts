import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Feeds SQLite's full-text index in its own transaction instead of inside every message commit.
 * FTS5 writes a new segment, its structure record and merge work per transaction that adds rows:
 * 7 of the 22 pages a 3-message commit wrote into the WAL. The message writer asks for a pass a
 * few hundred milliseconds after it stores messages, so one pass covers all the commits between.
 *
 * Migration 0005 keeps edits and deletes right for rows the index has not reached yet: a row
 * above `messages_fts_state.indexed_rowid` goes in later with its current text. A crash
 * loses nothing either: the state is in the database, and the first pass after a start catches up.
 */
export class SearchIndexer {
  /** The pass that will cover every commit made before it was asked for; not started yet. */
  private queued: Promise<void> | undefined;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly db: Kysely<Database>) {}

  /** Resolves once every message committed before the call is in the index. */
  caughtUp(): Promise<void> {
    // A pass already running may have read its rows before the caller's commit; the next one
    // starts after it and covers everything until then, so callers arriving meanwhile share it.
    this.queued ??= this.tail.then(() => {
      this.queued = undefined;
      return this.pass();
    });
    const queued = this.queued;
    this.tail = queued.catch(() => {});
    return queued;
  }

  /** Resolves once no pass is running or queued, whether they succeeded or not. */
  idle(): Promise<void> {
    return this.tail;
  }

  private async pass(): Promise<void> {
    // A read first: a pass with nothing to add (a search on an idle server) opens no write transaction.
    const behind = await sql<{ behind: number }>`SELECT COALESCE((SELECT MAX(rowid) FROM messages), 0) >
      (SELECT indexed_rowid FROM messages_fts_state) AS behind`.execute(this.db);
    if (!behind.rows[0]?.behind) return;
    await this.db.transaction().execute(async (trx) => {
      // FTS5 takes rows fastest in rowid order in one statement.
      await sql`INSERT INTO messages_fts(rowid, content)
        SELECT rowid, content FROM messages WHERE rowid > (SELECT indexed_rowid FROM messages_fts_state)`.execute(trx);
      await sql`UPDATE messages_fts_state SET indexed_rowid = (SELECT MAX(rowid) FROM messages)`.execute(trx);
    });
  }
}
