import type { Kysely } from 'kysely';

/**
 * Presence: when each user was last seen, who may see their online status and last seen, and
 * the status they chose (kept so `away` or invisible survives a restart). SQLite adds one
 * column per ALTER TABLE, so each is its own statement.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('last_seen_at', 'bigint').execute();
  await db.schema
    .alterTable('users')
    .addColumn('privacy_online', 'varchar(16)', (c) => c.notNull().defaultTo('everyone'))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('privacy_last_seen', 'varchar(16)', (c) => c.notNull().defaultTo('everyone'))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('chosen_status', 'varchar(16)', (c) => c.notNull().defaultTo('online'))
    .execute();
}
