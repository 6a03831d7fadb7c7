import type { Db } from '../store/Store.js';
import type { Relation } from './presentPresence.js';

/**
 * Who may hear about a user's presence: their accepted contacts (as the user's own contact rows
 * say) and the members of chats they share. Anyone blocked by or blocking the user is left out,
 * as for private chats and messages.
 */
export interface Audience {
  contacts: string[];
  /** Share a chat with the user, not contacts. */
  peers: string[];
}

/** Everyone who may see `userId`, in two queries whatever their number. */
export async function loadAudience(db: Db, userId: string): Promise<Audience> {
  const rows = await db
    .selectFrom('contacts')
    .select(['owner_id', 'contact_id', 'status'])
    .where((eb) =>
      eb.or([
        eb.and([eb('owner_id', '=', userId), eb('status', 'in', ['accepted', 'blocked'])]),
        eb.and([eb('contact_id', '=', userId), eb('status', '=', 'blocked')]),
      ]),
    )
    .execute();
  const sharing = await db
    .selectFrom('chat_members as mine')
    .innerJoin('chat_members as theirs', 'theirs.chat_id', 'mine.chat_id')
    .select('theirs.user_id')
    .distinct()
    .where('mine.user_id', '=', userId)
    .where('theirs.user_id', '!=', userId)
    .execute();

  const blocked = new Set<string>();
  const contacts = new Set<string>();
  for (const r of rows) {
    const other = r.owner_id === userId ? r.contact_id : r.owner_id;
    (r.status === 'blocked' ? blocked : contacts).add(other);
  }
  return {
    contacts: [...contacts].filter((id) => !blocked.has(id)),
    peers: sharing.map((r) => r.user_id).filter((id) => !contacts.has(id) && !blocked.has(id)),
  };
}

/** How `viewerId` stands to each of `userIds`, by the same rules as `loadAudience`, in two queries. */
export async function loadRelations(db: Db, viewerId: string, userIds: string[]): Promise<Map<string, Relation>> {
  const others = userIds.filter((id) => id !== viewerId);
  const relations = new Map<string, Relation>(userIds.map((id) => [id, id === viewerId ? 'self' : 'stranger']));
  if (others.length === 0) return relations;
  const rows = await db
    .selectFrom('contacts')
    .select(['owner_id', 'contact_id', 'status'])
    .where((eb) =>
      eb.or([
        eb.and([eb('owner_id', 'in', others), eb('contact_id', '=', viewerId), eb('status', 'in', ['accepted', 'blocked'])]),
        eb.and([eb('owner_id', '=', viewerId), eb('contact_id', 'in', others), eb('status', '=', 'blocked')]),
      ]),
    )
    .execute();
  const sharing = await db
    .selectFrom('chat_members as mine')
    .innerJoin('chat_members as theirs', 'theirs.chat_id', 'mine.chat_id')
    .select('theirs.user_id')
    .distinct()
    .where('mine.user_id', '=', viewerId)
    .where('theirs.user_id', 'in', others)
    .execute();

  for (const r of sharing) relations.set(r.user_id, 'peer');
  const blocked = new Set<string>();
  for (const r of rows) {
    const other = r.owner_id === viewerId ? r.contact_id : r.owner_id;
    if (r.status === 'blocked') blocked.add(other);
    else relations.set(other, 'contact');
  }
  for (const id of blocked) relations.set(id, 'stranger');
  return relations;
}
