import type { Kysely } from 'kysely';

/**
 * Each refresh token remembers the one it was rotated from, so a second use of a token can be
 * told apart: before any token rotated from it has been used (a retry whose answer was lost, two
 * tabs of one session refreshing at once) or after (a copy; the session is revoked).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('refresh_tokens').addColumn('parent_hash', 'text').execute();
  await db.schema.createIndex('refresh_tokens_parent').on('refresh_tokens').column('parent_hash').execute();
}
