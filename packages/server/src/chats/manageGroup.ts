import type { Chat, MemberRole } from '@parley/protocol';
import { AppError, notFound } from '../errors.js';
import type { Caller, Context } from '../context.js';
import type { Db } from '../store/Store.js';
import { loadChatViews, presentChat } from './chatViews.js';
import { checkGroupSize, checkUsersExist } from './createGroupChat.js';
import { loadChatForMember, loadGroupForAdmin } from './loadChatForMember.js';
import { publishChatChange } from './publishChats.js';

/** Group management: admins only (leaving is anyone's), each published to members after commit. */

export async function renameGroup(ctx: Context, caller: Caller, chatId: string, name: string): Promise<Chat> {
  const trimmed = name.trim();
  if (!trimmed) throw new AppError('invalid_request', 'name: must not be blank');
  await ctx.store.transaction(async (trx) => {
    await loadGroupForAdmin(trx, chatId, caller.userId);
    await trx.updateTable('chats').set({ name: trimmed }).where('id', '=', chatId).execute();
  });
  return publishAndPresent(ctx, caller, chatId);
}

export async function addMembers(ctx: Context, caller: Caller, chatId: string, userIds: string[]): Promise<Chat> {
  await ctx.store.transaction(async (trx) => {
    await loadGroupForAdmin(trx, chatId, caller.userId);
    const ids = [...new Set(userIds)];
    await checkUsersExist(trx, ids);
    const current = await memberCount(trx, chatId);
    const existing = await trx.selectFrom('chat_members').select('user_id').where('chat_id', '=', chatId).where('user_id', 'in', ids).execute();
    const fresh = ids.filter((id) => !existing.some((e) => e.user_id === id));
    checkGroupSize(ctx, current + fresh.length);
    if (fresh.length === 0) return;
    const now = Date.now();
    await trx
      .insertInto('chat_members')
      .values(fresh.map((id) => ({ chat_id: chatId, user_id: id, role: 'member' as const, joined_at: now, last_delivered_seq: 0, last_read_seq: 0 })))
      .execute();
  });
  return publishAndPresent(ctx, caller, chatId);
}

/** Removing yourself is leaving. */
export async function removeMember(ctx: Context, caller: Caller, chatId: string, userId: string): Promise<void> {
  if (userId === caller.userId) return leaveChat(ctx, caller, chatId);
  await ctx.store.transaction(async (trx) => {
    await loadGroupForAdmin(trx, chatId, caller.userId);
    if (!(await endMembership(trx, chatId, userId))) throw notFound('member');
  });
  await publishChatChange(ctx, chatId, [userId]);
}

export async function setMemberRole(ctx: Context, caller: Caller, chatId: string, userId: string, role: MemberRole): Promise<Chat> {
  await ctx.store.transaction(async (trx) => {
    await loadGroupForAdmin(trx, chatId, caller.userId);
    const updated = await trx.updateTable('chat_members').set({ role }).where('chat_id', '=', chatId).where('user_id', '=', userId).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw notFound('member');
    if (role === 'member' && (await adminCount(trx, chatId)) === 0) {
      throw new AppError('conflict', 'a group needs at least one admin; promote someone first');
    }
  });
  return publishAndPresent(ctx, caller, chatId);
}

/** Leaving a group; when the last admin leaves, the longest-standing member becomes admin. */
export async function leaveChat(ctx: Context, caller: Caller, chatId: string): Promise<void> {
  await ctx.store.transaction(async (trx) => {
    const { chat } = await loadChatForMember(trx, chatId, caller.userId);
    if (chat.type !== 'group') throw new AppError('invalid_request', 'chatId: you cannot leave a private chat');
    await leaveGroup(trx, chatId, caller.userId);
  });
  await publishChatChange(ctx, chatId, [caller.userId]);
}

/**
 * The write of leaving, in the caller's transaction, for a member of a group (leaveChat, and
 * account deletion for each of its groups): publish `publishChatChange(ctx, chatId, [userId])` after the commit.
 */
export async function leaveGroup(trx: Db, chatId: string, userId: string): Promise<void> {
  await endMembership(trx, chatId, userId);
  if ((await adminCount(trx, chatId)) > 0) return;
  const oldest = await trx
    .selectFrom('chat_members')
    .select('user_id')
    .where('chat_id', '=', chatId)
    .orderBy('joined_at')
    .orderBy('user_id')
    .limit(1)
    .executeTakeFirst();
  if (oldest) {
    await trx.updateTable('chat_members').set({ role: 'admin' }).where('chat_id', '=', chatId).where('user_id', '=', oldest.user_id).execute();
  }
}

/**
 * Deletes the membership and records the departure: the messages the user sent stay theirs, and
 * their export and account deletion find them through the chats they are in or left
 * (messages/sentMessagePages). A user may leave the same group again after being re-added.
 * False when they were not a member.
 */
async function endMembership(trx: Db, chatId: string, userId: string): Promise<boolean> {
  const removed = await trx.deleteFrom('chat_members').where('chat_id', '=', chatId).where('user_id', '=', userId).executeTakeFirst();
  if (Number(removed.numDeletedRows) === 0) return false;
  await trx
    .insertInto('chat_departures')
    .values({ user_id: userId, chat_id: chatId })
    .onConflict((oc) => oc.columns(['user_id', 'chat_id']).doNothing())
    .execute();
  return true;
}

async function publishAndPresent(ctx: Context, caller: Caller, chatId: string): Promise<Chat> {
  await publishChatChange(ctx, chatId);
  const [view] = await loadChatViews(ctx, [chatId], caller.userId);
  return presentChat(view!, caller.userId);
}

async function memberCount(db: Db, chatId: string): Promise<number> {
  const row = await db.selectFrom('chat_members').select((eb) => eb.fn.countAll<number>().as('n')).where('chat_id', '=', chatId).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function adminCount(db: Db, chatId: string): Promise<number> {
  const row = await db
    .selectFrom('chat_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('chat_id', '=', chatId)
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
