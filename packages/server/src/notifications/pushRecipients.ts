import type { Presence } from '../presence/Presence.js';
import type { Store } from '../store/Store.js';
import { tupleIn } from '../store/tupleIn.js';

/** Who a batch of pushes may go to. */
export interface PushAudience {
  /** Chats every member of which may be told (new messages). */
  chatIds: string[];
  /** Single members of chats (the author of a message reacted to). */
  members: Array<{ chatId: string; userId: string }>;
}

export type PushRecipient = Awaited<ReturnType<typeof loadSubscribed>>[number];

/**
 * The one rule for every kind of push (docs/notifications.md): each subscribed device of the
 * audience's members whose membership is not muted now and who is connected on no node or has
 * chosen `away`. Two queries however large the audience: one for the devices, one `connectedAmong`.
 */
export async function findPushRecipients(store: Store, presence: Presence, audience: PushAudience, now: number): Promise<PushRecipient[]> {
  if (audience.chatIds.length === 0 && audience.members.length === 0) return [];
  const subscribed = await loadSubscribed(store, audience, now);
  if (subscribed.length === 0) return [];
  const connected = await presence.connectedAmong([...new Set(subscribed.map((s) => s.user_id))]);
  // Someone reading on one device does not want their other devices to ring: the rule is per user.
  return subscribed.filter((s) => !connected.has(s.user_id) || s.chosen_status === 'away');
}

function loadSubscribed(store: Store, { chatIds, members }: PushAudience, now: number) {
  return store.db
    .selectFrom('chat_members as cm')
    .innerJoin('push_subscriptions as ps', 'ps.user_id', 'cm.user_id')
    .innerJoin('users as u', 'u.id', 'cm.user_id')
    .select(['cm.chat_id', 'cm.user_id', 'ps.device_id', 'ps.endpoint', 'ps.p256dh', 'ps.auth', 'ps.previews', 'u.chosen_status'])
    .where((eb) => eb.or([
      ...(chatIds.length > 0 ? [eb('cm.chat_id', 'in', chatIds)] : []),
      ...(members.length > 0 ? [tupleIn(['cm.chat_id', 'cm.user_id'], members.map((m) => [m.chatId, m.userId]))] : []),
    ]))
    .where((eb) => eb.or([eb('cm.muted_until', 'is', null), eb('cm.muted_until', '<=', now)]))
    .execute();
}
