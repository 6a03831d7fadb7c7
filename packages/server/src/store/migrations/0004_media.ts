import { type Kysely, sql, SqliteAdapter } from 'kysely';

/**
 * Rich messages: uploads (`media`), typed message fields, reactions, per-user hides, the
 * per-chat change counter that lets catch-up carry edits, and full-text search. Search is the
 * one dialect-specific part: an FTS5 table kept in sync by triggers on SQLite, a GIN index over
 * `to_tsvector('simple', content)` on PostgreSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('media')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('uploader_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('mime', 'varchar(128)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('blob_key', 'varchar(256)', (c) => c.notNull())
    .addColumn('name', 'varchar(256)')
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('duration_ms', 'bigint')
    .addColumn('thumb_key', 'varchar(256)')
    .addColumn('thumb_width', 'integer')
    .addColumn('thumb_height', 'integer')
    .addColumn('preview', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // Dedup: an upload whose bytes are already stored reuses that blob and what was derived from it.
  await db.schema.createIndex('media_sha256').on('media').column('sha256').execute();

  // SQLite adds one column per ALTER TABLE.
  await db.schema.alterTable('messages').addColumn('media_id', 'varchar(64)').execute();
  await db.schema.alterTable('messages').addColumn('location_lat', 'double precision').execute();
  await db.schema.alterTable('messages').addColumn('location_lng', 'double precision').execute();
  await db.schema.alterTable('messages').addColumn('location_name', 'varchar(256)').execute();
  await db.schema.alterTable('messages').addColumn('forwarded', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('messages').addColumn('change_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('chats').addColumn('last_change_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  // "May this user read this media?" looks for messages that reference it.
  await db.schema.createIndex('messages_media').on('messages').column('media_id').where(sql.ref('media_id'), 'is not', null).execute();
  // Catch-up of changes reads a chat's messages by change_seq.
  await db.schema.createIndex('messages_change').on('messages').columns(['chat_id', 'change_seq']).where(sql.ref('change_seq'), '>', 0).execute();

  await db.schema
    .createTable('message_reactions')
    .addColumn('chat_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('emoji', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_reactions_pk', ['chat_id', 'seq', 'user_id'])
    .execute();

  await db.schema
    .createTable('message_hides')
    .addColumn('chat_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('change_seq', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_hides_pk', ['chat_id', 'seq', 'user_id'])
    .execute();
  await db.schema.createIndex('message_hides_user').on('message_hides').columns(['user_id', 'chat_id', 'change_seq']).execute();

  if (db.getExecutor().adapter instanceof SqliteAdapter) await sqliteSearch(db);
  else await sql`CREATE INDEX messages_search ON messages USING GIN (to_tsvector('simple', content))`.execute(db);
}

/**
 * An external-content FTS5 index over messages.content (it stores only the index, reading text
 * back from `messages` by rowid). Deleting for everyone empties `content`, which drops the
 * message from the index through the update trigger. VACUUM may renumber rowids of `messages`;
 * `INSERT INTO messages_fts(messages_fts) VALUES('rebuild')` re-derives the index after one.
 */
async function sqliteSearch(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`.execute(db);
  await sql`CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
  END`.execute(db);
  await sql`CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
  END`.execute(db);
  await sql`CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
    INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
  END`.execute(db);
  await sql`INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')`.execute(db);
}
