import type { DeleteAccountBody } from '@parley/protocol';
import type { BusEvent } from '../bus/Bus.js';
import type { Caller, Context } from '../context.js';
import { notFound } from '../errors.js';
import { leaveGroup } from '../chats/manageGroup.js';
import { publishChatChange } from '../chats/publishChats.js';
import { loadChatViews, presentChat } from '../chats/chatViews.js';
import { eraseSentMessages, publishChangedMessages, publishErasedMessages, removeReactionsBy } from '../messages/eraseSentMessages.js';
import type { ChangedKey } from '../messages/markChanged.js';
import { deleteUnsharedBlobs, removeUnreferencedUploads, type RemovedUpload } from '../media/removeUnreferencedUploads.js';
import { loadAudience, type Audience } from '../presence/presenceAudience.js';
import type { Db } from '../store/Store.js';
import { wrongCredentials } from './login.js';
import { verifyPassword } from './passwords.js';
import { presentProfile } from './presentUser.js';

export const DELETED_DISPLAY_NAME = 'Deleted account';

/** What the deleting transaction changed, for the frames sent after its commit. */
interface Erased {
  deviceIds: string[];
  groupIds: string[];
  privateChatIds: string[];
  reactedOn: ChangedKey[];
  uploads: RemovedUpload[];
}

/**
 * Deletes the caller's account (docs/api.md, "Your data") in one transaction: leaves every group
 * as `leaveChat` does, erases the profile (the row stays as a tombstone, so private chats and old
 * messages keep their sender), ends every session, drops contacts, reactions, hides and unused
 * uploads, and with `deleteMessages` deletes every message they sent for everyone. Frames,
 * revocations and blob deletions follow the commit.
 */
export async function deleteAccount(ctx: Context, caller: Caller, body: DeleteAccountBody): Promise<void> {
  const db = ctx.store.db;
  const user = await db.selectFrom('users').selectAll().where('id', '=', caller.userId).executeTakeFirst();
  if (!user || user.deleted_at !== null) throw notFound('user');
  if (!(await verifyPassword(user.password_hash, body.password))) throw wrongCredentials();
  // Read before the contacts go: everyone who could see the user hears that they are gone.
  const audience = await loadAudience(db, caller.userId);
  const at = Date.now();
  const deleteMessages = body.deleteMessages ?? false;
  const erased = await ctx.store.transaction((trx) => eraseAccount(ctx, trx, caller.userId, at, deleteMessages));
  await announceDeletion(ctx, caller.userId, erased, audience);
  if (deleteMessages) await publishErasedMessages(ctx, caller.userId, at, ctx.config.deletePageSize, ctx.config.accountScanWindow);
  await publishChangedMessages(ctx, erased.reactedOn, ctx.config.deletePageSize);
  await deleteUnsharedBlobs(ctx, erased.uploads);
}

async function eraseAccount(ctx: Context, trx: Db, userId: string, at: number, deleteMessages: boolean): Promise<Erased> {
  const chats = await trx
    .selectFrom('chat_members')
    .innerJoin('chats', 'chats.id', 'chat_members.chat_id')
    .select(['chats.id', 'chats.type'])
    .where('chat_members.user_id', '=', userId)
    .execute();
  const groupIds = chats.filter((c) => c.type === 'group').map((c) => c.id);
  for (const chatId of groupIds) await leaveGroup(trx, chatId, userId);
  // After leaving: the groups just left are found among the departures.
  if (deleteMessages) await eraseSentMessages(trx, userId, at, ctx.config.deletePageSize, ctx.config.accountScanWindow);
  const reactedOn = await removeReactionsBy(trx, userId, ctx.config.deletePageSize);
  await trx.deleteFrom('message_hides').where('user_id', '=', userId).execute();
  const uploads = await removeUnreferencedUploads(trx, { uploaderId: userId }, ctx.store.kind);
  const devices = await trx.selectFrom('devices').select('id').where('user_id', '=', userId).execute();
  // Refresh tokens first, then devices (their push subscriptions go with them, by cascade).
  await trx.deleteFrom('refresh_tokens').where('device_id', 'in', trx.selectFrom('devices').select('id').where('user_id', '=', userId)).execute();
  await trx.deleteFrom('devices').where('user_id', '=', userId).execute();
  await trx.deleteFrom('contacts').where((eb) => eb.or([eb('owner_id', '=', userId), eb('contact_id', '=', userId)])).execute();
  await eraseProfile(trx, userId, at);
  return {
    deviceIds: devices.map((d) => d.id),
    groupIds,
    privateChatIds: chats.filter((c) => c.type === 'private').map((c) => c.id),
    reactedOn,
    uploads,
  };
}

/**
 * `deleted-` and the random end of the id (a v7 UUID's last 24 hex digits, 74 random bits), within
 * the 32 characters a username column holds.
 */
export const tombstoneName = (userId: string): string => `deleted-${userId.replace(/-/g, '').slice(-24)}`;

/**
 * The row stays so messages and private chats keep a sender; its name becomes a tombstone that no
 * one can register (usernames have no "-"), so the old name is free again. No password hash
 * verifies `!`, and presence shows nothing: invisible, last seen hidden and cleared.
 */
async function eraseProfile(trx: Db, userId: string, at: number): Promise<void> {
  await trx
    .updateTable('users')
    .set({
      username: tombstoneName(userId),
      display_name: DELETED_DISPLAY_NAME,
      about: null,
      avatar_url: null,
      password_hash: '!',
      deleted_at: at,
      last_seen_at: null,
      chosen_status: 'offline',
      privacy_online: 'nobody',
      privacy_last_seen: 'nobody',
    })
    .where('id', '=', userId)
    .execute();
}

/** After the commit: sessions end (sockets close with 4003), then everyone who knew the user is told. */
async function announceDeletion(ctx: Context, userId: string, erased: Erased, audience: Audience): Promise<void> {
  ctx.bus.publish(erased.deviceIds.map((deviceId): BusEvent => ({ kind: 'revoke', userId, deviceId })));
  for (const chatId of erased.groupIds) await publishChatChange(ctx, chatId, [userId]);
  // Private chats stay, for the other side, with the peer shown as deleted.
  for (let i = 0; i < erased.privateChatIds.length; i += 200) {
    const views = await loadChatViews(ctx, erased.privateChatIds.slice(i, i + 200));
    ctx.bus.publish(views.flatMap((view) =>
      view.members.filter((m) => m.userId !== userId).map((m): BusEvent => ({ kind: 'frame', userIds: [m.userId], frame: { type: 'chat', chat: presentChat(view, m.userId) } }))));
  }
  const row = await ctx.store.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  const others = [...new Set([...audience.contacts, ...audience.peers])];
  if (others.length === 0) return;
  ctx.bus.publish([
    { kind: 'frame', userIds: others, frame: { type: 'profile', profile: presentProfile(row) } },
    { kind: 'frame', userIds: others, frame: { type: 'presence', userId, status: 'offline' } },
  ]);
}
