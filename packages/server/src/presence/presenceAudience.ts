import type { Db } from '../store/Store.js';
import { leanRows } from '../store/leanRows.js';
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
  return (await loadAudiences(db, [userId])).get(userId)!;
}

/**
 * Everyone who may see each of `userIds`, in two queries for all of them (callers bound the
 * number of ids: the shared-chat rows are up to one per user and chat peer).
 */
export async function loadAudiences(db: Db, userIds: string[]): Promise<Map<string, Audience>> {
  const audiences = new Map<string, Audience>(userIds.map((id) => [id, { contacts: [], peers: [] }]));
  if (userIds.length === 0) return audiences;
  const rows = await leanRows(
    db,
    db
      .selectFrom('contacts')
      .select(['owner_id', 'contact_id', 'status'])
      .where((eb) =>
        eb.or([
          eb.and([eb('owner_id', 'in', userIds), eb('status', 'in', ['accepted', 'blocked'])]),
          eb.and([eb('contact_id', 'in', userIds), eb('status', '=', 'blocked')]),
        ]),
      ),
  );
  const sharing = await leanRows(
    db,
    db
      .selectFrom('chat_members as mine')
      .innerJoin('chat_members as theirs', 'theirs.chat_id', 'mine.chat_id')
      .select(['mine.user_id as subject', 'theirs.user_id as other'])
      .distinct()
      .where('mine.user_id', 'in', userIds)
      .whereRef('theirs.user_id', '!=', 'mine.user_id'),
  );

  const known = new Relations(rows, sharing.map((r): [string, string] => [r.subject, r.other]));
  const others = new Map<string, Set<string>>(userIds.map((id) => [id, new Set()]));
  for (const r of rows) {
    others.get(r.owner_id)?.add(r.contact_id);
    others.get(r.contact_id)?.add(r.owner_id);
  }
  for (const r of sharing) others.get(r.subject)!.add(r.other);
  for (const [userId, candidates] of others) {
    const audience = audiences.get(userId)!;
    for (const other of candidates) {
      const relation = known.of(userId, other);
      if (relation === 'contact') audience.contacts.push(other);
      else if (relation === 'peer') audience.peers.push(other);
    }
  }
  return audiences;
}

/** How `viewerId` stands to each of `userIds` (by the rule in `Relations`, as `loadAudience`), in two queries. */
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

  const known = new Relations(rows, sharing.map((r) => [r.user_id, viewerId]));
  for (const subject of others) relations.set(subject, known.of(subject, viewerId));
  return relations;
}

/**
 * The one rule, over the contact rows and shared chats loaded for some pairs: blocked either
 * way → stranger; the subject's own row accepting the viewer → contact; a chat in common → peer.
 */
class Relations {
  private readonly rows = new Map<string, string>();
  private readonly sharing = new Set<string>();

  constructor(rows: Array<{ owner_id: string; contact_id: string; status: string }>, sharing: Array<[string, string]>) {
    for (const r of rows) this.rows.set(`${r.owner_id}>${r.contact_id}`, r.status);
    for (const [a, b] of sharing) this.sharing.add(`${a}>${b}`).add(`${b}>${a}`);
  }

  of(subject: string, viewer: string): Exclude<Relation, 'self'> {
    if (this.rows.get(`${subject}>${viewer}`) === 'blocked' || this.rows.get(`${viewer}>${subject}`) === 'blocked') return 'stranger';
    if (this.rows.get(`${subject}>${viewer}`) === 'accepted') return 'contact';
    return this.sharing.has(`${subject}>${viewer}`) ? 'peer' : 'stranger';
  }
}
