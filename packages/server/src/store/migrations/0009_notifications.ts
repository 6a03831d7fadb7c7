import type { Kysely } from 'kysely';

/**
 * Web Push: one subscription per device, gone with the device (logout, revocation, account
 * deletion). The endpoint is unique because a browser has one subscription per origin: a new
 * login in the same browser takes it over. Mutes live on the membership, null when not muted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('push_subscriptions')
    .addColumn('device_id', 'varchar(64)', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('endpoint', 'text', (c) => c.notNull().unique())
    .addColumn('p256dh', 'text', (c) => c.notNull())
    .addColumn('auth', 'text', (c) => c.notNull())
    .addColumn('previews', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('push_subscriptions_user').on('push_subscriptions').column('user_id').execute();
  await db.schema.alterTable('chat_members').addColumn('muted_until', 'bigint').execute();
}
