import type { Chat, GroupChatBody } from '@parley/protocol';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import type { Caller, Context } from '../context.js';
import type { Db } from '../store/Store.js';
import { loadChatViews, presentChat } from './chatViews.js';
import { publishChatChange } from './publishChats.js';

export async function createGroupChat(ctx: Context, caller: Caller, body: GroupChatBody): Promise<Chat> {
  const name = body.name.trim();
  if (!name) throw new AppError('invalid_request', 'name: must not be blank');
  const others = [...new Set(body.memberIds)].filter((id) => id !== caller.userId);
  checkGroupSize(ctx, others.length + 1);
  const chatId = newId();
  await ctx.store.transaction(async (trx) => {
    await checkUsersExist(trx, others);
    const now = Date.now();
    await trx
      .insertInto('chats')
      .values({ id: chatId, type: 'group', name, pair_key: null, last_seq: 0, created_by: caller.userId, created_at: now })
      .execute();
    const rows = [{ id: caller.userId, role: 'admin' as const }, ...others.map((id) => ({ id, role: 'member' as const }))];
    await trx
      .insertInto('chat_members')
      .values(rows.map((r) => ({ chat_id: chatId, user_id: r.id, role: r.role, joined_at: now, last_delivered_seq: 0, last_read_seq: 0 })))
      .execute();
  });
  await publishChatChange(ctx, chatId);
  const [view] = await loadChatViews(ctx, [chatId], caller.userId);
  return presentChat(view!, caller.userId);
}

export function checkGroupSize(ctx: Context, size: number): void {
  if (size > ctx.config.maxGroupMembers) {
    throw new AppError('invalid_request', `memberIds: a group holds at most ${ctx.config.maxGroupMembers} members`);
  }
}

/** Unknown ids among `userIds` are a 404 naming the first, before anything is written. */
export async function checkUsersExist(db: Db, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  const found = new Set<string>();
  // Chunked so a large group stays under SQLite's bound-parameter limit.
  for (let i = 0; i < userIds.length; i += 500) {
    // A deleted account cannot be added to anything: it is as unknown as a wrong id.
    const rows = await db.selectFrom('users').select('id').where('id', 'in', userIds.slice(i, i + 500)).where('deleted_at', 'is', null).execute();
    for (const r of rows) found.add(r.id);
  }
  const missing = userIds.find((id) => !found.has(id));
  if (missing) throw new AppError('not_found', `user ${missing} not found`);
}
