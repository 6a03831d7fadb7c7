import type { Kysely } from 'kysely';

/**
 * Indexes for the periodic sweeps (maintenance/Sweeper). A device is a dead session when none of
 * its refresh tokens is unexpired: with (device_id, expires_at) that is one index seek per device,
 * and its expired tokens are one range of the same index; it replaces the index on device_id
 * alone, which the cascade from `devices` and reuse detection can use as well. Unreferenced
 * uploads are found oldest first, by (created_at, id), instead of by reading every media row.
 * The new index is built before the old one goes, so token lookups are never without one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('refresh_tokens_device_expiry').on('refresh_tokens').columns(['device_id', 'expires_at']).execute();
  await db.schema.dropIndex('refresh_tokens_device').execute();
  await db.schema.createIndex('media_created').on('media').columns(['created_at', 'id']).execute();
}
