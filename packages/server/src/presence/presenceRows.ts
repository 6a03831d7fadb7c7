import type { Db } from '../store/Store.js';
import { leanRows } from '../store/leanRows.js';
import type { PresenceState } from './presentPresence.js';

/** The stored part of presence; whether the user is connected comes from the tracker. */
export type StoredPresence = Omit<PresenceState, 'connected'>;

/** One query; unknown ids are absent from the map. Callers bound the number of ids. */
export async function loadStoredPresence(db: Db, userIds: string[]): Promise<Map<string, StoredPresence>> {
  const stored = new Map<string, StoredPresence>();
  if (userIds.length === 0) return stored;
  const rows = await leanRows(
    db,
    db.selectFrom('users').select(['id', 'chosen_status', 'last_seen_at', 'privacy_online', 'privacy_last_seen']).where('id', 'in', userIds),
  );
  for (const r of rows) {
    stored.set(r.id, {
      chosen: r.chosen_status,
      // bigint comes back as a string from PostgreSQL.
      lastSeen: r.last_seen_at === null ? null : Number(r.last_seen_at),
      privacy: { online: r.privacy_online, lastSeen: r.privacy_last_seen },
    });
  }
  return stored;
}

export async function saveStoredPresence(db: Db, userId: string, state: StoredPresence): Promise<void> {
  await db
    .updateTable('users')
    .set({
      chosen_status: state.chosen,
      last_seen_at: state.lastSeen,
      privacy_online: state.privacy.online,
      privacy_last_seen: state.privacy.lastSeen,
    })
    .where('id', '=', userId)
    .execute();
}

/** At shutdown: everyone still online through this node was last seen now (invisible users excepted). */
export async function stampLastSeen(db: Db, userIds: string[], at: number): Promise<void> {
  for (let i = 0; i < userIds.length; i += 500) {
    await db
      .updateTable('users')
      .set({ last_seen_at: at })
      .where('id', 'in', userIds.slice(i, i + 500))
      .where('chosen_status', '!=', 'offline')
      .execute();
  }
}
