import { type Kysely, type Migration, Migrator } from 'kysely';
import * as core from './migrations/0001_core.js';
import * as receipts from './migrations/0002_receipts.js';
import * as presence from './migrations/0003_presence.js';
import * as media from './migrations/0004_media.js';
import * as searchBatches from './migrations/0005_search_batches.js';
import * as globalMessageIds from './migrations/0006_global_message_ids.js';
import * as clientMsgIdFirst from './migrations/0007_client_msg_id_first.js';
import * as refreshTokenParent from './migrations/0008_refresh_token_parent.js';
import * as notifications from './migrations/0009_notifications.js';
import * as accountDeletion from './migrations/0010_account_deletion.js';
import * as sweepIndexes from './migrations/0011_sweep_indexes.js';
import * as chatDepartures from './migrations/0012_chat_departures.js';

/** Numbered migrations, applied in order at start-up; a name is never reused. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_core': core,
  '0002_receipts': receipts,
  '0003_presence': presence,
  '0004_media': media,
  '0005_search_batches': searchBatches,
  '0006_global_message_ids': globalMessageIds,
  '0007_client_msg_id_first': clientMsgIdFirst,
  '0008_refresh_token_parent': refreshTokenParent,
  '0009_notifications': notifications,
  '0010_account_deletion': accountDeletion,
  '0011_sweep_indexes': sweepIndexes,
  '0012_chat_departures': chatDepartures,
};

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
