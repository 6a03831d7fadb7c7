import { AppError } from '../errors.js';
import type { Db } from '../store/Store.js';
import type { ChatRow } from '../store/schema.js';

/** Pairs (a, b) among `pairs` where either side has blocked the other. */
export async function findBlockedPairs(db: Db, pairs: Array<[string, string]>): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const users = [...new Set(pairs.flat())];
  const rows = await db
    .selectFrom('contacts')
    .select(['owner_id', 'contact_id'])
    .where('status', '=', 'blocked')
    .where('owner_id', 'in', users)
    .where('contact_id', 'in', users)
    .execute();
  const blocked = new Set<string>();
  for (const r of rows) {
    blocked.add(`${r.owner_id}:${r.contact_id}`);
    blocked.add(`${r.contact_id}:${r.owner_id}`);
  }
  return blocked;
}

/** Between a blocked user and the one who blocked them there are no private chats or messages, either way. */
export async function checkNotBlocked(db: Db, userId: string, otherId: string): Promise<void> {
  const blocked = await findBlockedPairs(db, [[userId, otherId]]);
  if (blocked.has(`${userId}:${otherId}`)) {
    throw new AppError('blocked', 'one of you has blocked the other');
  }
}

/**
 * In a private chat where either side blocked the other nothing new passes, either way: no
 * message (checked in the send batch), no typing, no reaction, no edit. `peerId` when known.
 */
export async function checkPrivateChatOpen(db: Db, chat: Pick<ChatRow, 'id' | 'type'>, userId: string, peerId?: string): Promise<void> {
  if (chat.type !== 'private') return;
  const peer = peerId ?? (await db.selectFrom('chat_members').select('user_id').where('chat_id', '=', chat.id).where('user_id', '!=', userId).executeTakeFirst())?.user_id;
  if (peer) await checkNotBlocked(db, userId, peer);
}
