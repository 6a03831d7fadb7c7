import { type Kysely, sql, SqliteAdapter } from 'kysely';

/**
 * SQLite's search index fed a batch at a time instead of a row at a time. An FTS5 insert per
 * message (the old trigger) cost about 30 µs of a message commit; one INSERT … SELECT over the
 * rows a commit stored costs about 4 µs a row (see Store.indexSearch). `messages_fts_state`
 * holds the highest rowid indexed; edits and deletes touch the index only for rows at or below
 * it, since a row above it is not in the index yet and goes in with its current text.
 * PostgreSQL's GIN index is maintained by the database itself: nothing to do there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
  await sql`CREATE TABLE messages_fts_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_rowid INTEGER NOT NULL)`.execute(db);
  await sql`INSERT INTO messages_fts_state (id, indexed_rowid) SELECT 1, COALESCE(MAX(rowid), 0) FROM messages`.execute(db);
  await sql`DROP TRIGGER messages_fts_insert`.execute(db);
  await sql`DROP TRIGGER messages_fts_delete`.execute(db);
  await sql`DROP TRIGGER messages_fts_update`.execute(db);
  // The state is lowered to the highest rowid left, so a rowid SQLite reuses after deleting the last row is indexed again.
  await sql`CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
    WHEN old.rowid <= (SELECT indexed_rowid FROM messages_fts_state) BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
    UPDATE messages_fts_state SET indexed_rowid = MIN(indexed_rowid, (SELECT COALESCE(MAX(rowid), 0) FROM messages));
  END`.execute(db);
  await sql`CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages
    WHEN old.rowid <= (SELECT indexed_rowid FROM messages_fts_state) BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
    INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
  END`.execute(db);
}
