import type { Contact } from '@parley/protocol';
import { AppError, invalid, notFound } from '../errors.js';
import type { Caller, Context } from '../context.js';
import type { Db } from '../store/Store.js';
import type { ContactRow } from '../store/schema.js';
import { iso, presentUser } from '../accounts/presentUser.js';

type Status = ContactRow['status'];

/**
 * Contacts are directional rows: adding someone writes `pending_outgoing` for you and
 * `pending_incoming` for them; accepting makes both `accepted`. A block is your row only.
 */
export async function addContact(ctx: Context, caller: Caller, userId: string): Promise<Contact> {
  await checkOtherUser(ctx.store.db, caller, userId);
  await ctx.store.transaction(async (trx) => {
    const mine = await rowOf(trx, caller.userId, userId);
    const theirs = await rowOf(trx, userId, caller.userId);
    if (mine?.status === 'blocked') throw new AppError('conflict', 'you blocked this user; unblock them first');
    if (theirs?.status === 'blocked') throw new AppError('blocked', 'this user does not accept requests from you');
    if (mine?.status === 'accepted' || mine?.status === 'pending_outgoing') return;
    // They asked first (or we are re-adding after a one-sided removal): adding is accepting.
    const accepting = mine?.status === 'pending_incoming' || theirs?.status === 'accepted';
    await put(trx, caller.userId, userId, accepting ? 'accepted' : 'pending_outgoing');
    await put(trx, userId, caller.userId, accepting ? 'accepted' : 'pending_incoming');
  });
  return getContact(ctx.store.db, caller.userId, userId);
}

export async function acceptContact(ctx: Context, caller: Caller, userId: string): Promise<Contact> {
  await ctx.store.transaction(async (trx) => {
    const mine = await rowOf(trx, caller.userId, userId);
    if (mine?.status === 'accepted') return;
    if (mine?.status !== 'pending_incoming') throw notFound('contact request');
    await put(trx, caller.userId, userId, 'accepted');
    await put(trx, userId, caller.userId, 'accepted');
  });
  return getContact(ctx.store.db, caller.userId, userId);
}

/** Removes the relationship on both sides (a request is withdrawn or declined), but never undoes their block. */
export async function removeContact(ctx: Context, caller: Caller, userId: string): Promise<void> {
  await ctx.store.transaction(async (trx) => {
    const mine = await rowOf(trx, caller.userId, userId);
    if (!mine || mine.status === 'blocked') throw notFound('contact');
    await trx.deleteFrom('contacts').where('owner_id', '=', caller.userId).where('contact_id', '=', userId).execute();
    await trx
      .deleteFrom('contacts')
      .where('owner_id', '=', userId)
      .where('contact_id', '=', caller.userId)
      .where('status', '!=', 'blocked')
      .execute();
  });
}

export async function blockUser(ctx: Context, caller: Caller, userId: string): Promise<Contact> {
  await checkOtherUser(ctx.store.db, caller, userId);
  await ctx.store.transaction(async (trx) => {
    await put(trx, caller.userId, userId, 'blocked');
    // Their pending request to us is void; their accepted row stays so a block is not announced.
    await trx
      .deleteFrom('contacts')
      .where('owner_id', '=', userId)
      .where('contact_id', '=', caller.userId)
      .where('status', 'in', ['pending_outgoing', 'pending_incoming'])
      .execute();
  });
  return getContact(ctx.store.db, caller.userId, userId);
}

export async function unblockUser(ctx: Context, caller: Caller, userId: string): Promise<void> {
  const result = await ctx.store.db
    .deleteFrom('contacts')
    .where('owner_id', '=', caller.userId)
    .where('contact_id', '=', userId)
    .where('status', '=', 'blocked')
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound('block');
}

export async function listContacts(ctx: Context, caller: Caller): Promise<Contact[]> {
  const rows = await ctx.store.db
    .selectFrom('contacts')
    .innerJoin('users', 'users.id', 'contacts.contact_id')
    .select(['users.id', 'users.username', 'users.display_name', 'contacts.status', 'contacts.created_at'])
    .where('contacts.owner_id', '=', caller.userId)
    .orderBy('users.username')
    .execute();
  return rows.map((r) => ({ user: presentUser(r), status: r.status, since: iso(r.created_at) }));
}

async function getContact(db: Db, ownerId: string, userId: string): Promise<Contact> {
  const r = await db
    .selectFrom('contacts')
    .innerJoin('users', 'users.id', 'contacts.contact_id')
    .select(['users.id', 'users.username', 'users.display_name', 'contacts.status', 'contacts.created_at'])
    .where('contacts.owner_id', '=', ownerId)
    .where('contacts.contact_id', '=', userId)
    .executeTakeFirstOrThrow();
  return { user: presentUser(r), status: r.status, since: iso(r.created_at) };
}

async function checkOtherUser(db: Db, caller: Caller, userId: string): Promise<void> {
  if (userId === caller.userId) throw invalid('userId: cannot be yourself');
  const exists = await db.selectFrom('users').select('id').where('id', '=', userId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!exists) throw notFound('user');
}

const rowOf = (db: Db, ownerId: string, contactId: string) =>
  db.selectFrom('contacts').selectAll().where('owner_id', '=', ownerId).where('contact_id', '=', contactId).executeTakeFirst();

async function put(db: Db, ownerId: string, contactId: string, status: Status): Promise<void> {
  await db
    .insertInto('contacts')
    .values({ owner_id: ownerId, contact_id: contactId, status, created_at: Date.now() })
    .onConflict((oc) => oc.columns(['owner_id', 'contact_id']).doUpdateSet({ status }))
    .execute();
}
