import type { Kysely } from 'kysely';

/**
 * Account deletion (docs/api.md, "Your data"): a deleted user's row stays, erased, so messages,
 * private chats and receipts that name them keep a valid sender; `deleted_at` marks it. The
 * uploader index lets deletion find the account's uploads without reading every media row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('deleted_at', 'bigint').execute();
  await db.schema.createIndex('media_uploader').on('media').column('uploader_id').execute();
}
