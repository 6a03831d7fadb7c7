import type { Db } from '../store/Store.js';

/**
 * The one definition of unread, as a query callers narrow by chat or member: per member,
 * messages from others after their read mark, not deleted. A member with nothing unread
 * has no row (count 0). Read through the `(chat_id, seq)` key from the mark onwards.
 */
export function unreadByMember(db: Db) {
  return db
    .selectFrom('chat_members as cm')
    .innerJoin('messages as m', (join) =>
      join.onRef('m.chat_id', '=', 'cm.chat_id').onRef('m.seq', '>', 'cm.last_read_seq').onRef('m.sender_id', '!=', 'cm.user_id'))
    .select((eb) => ['cm.chat_id', 'cm.user_id', eb.fn.countAll<number>().as('n')])
    .where('m.deleted_at', 'is', null)
    .groupBy(['cm.chat_id', 'cm.user_id']);
}
