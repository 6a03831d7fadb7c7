import type { Profile, ProfileUpdateBody } from '@parley/protocol';
import { invalid, notFound } from '../errors.js';
import type { Caller, Context } from '../context.js';
import { loadAudience } from '../presence/presenceAudience.js';
import { presentProfile } from './presentUser.js';

export async function getProfile(ctx: Context, userId: string): Promise<Profile> {
  const row = await ctx.store.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!row) throw notFound('user');
  return presentProfile(row);
}

export async function updateProfile(ctx: Context, caller: Caller, body: ProfileUpdateBody): Promise<Profile> {
  const changes: { display_name?: string; avatar_url?: string | null; about?: string | null } = {};
  if (body.displayName !== undefined) {
    if (!body.displayName.trim()) throw invalid('displayName: must not be blank');
    changes.display_name = body.displayName.trim();
  }
  if (body.avatarUrl !== undefined) changes.avatar_url = body.avatarUrl || null;
  if (body.about !== undefined) changes.about = body.about || null;
  if (Object.keys(changes).length === 0) return getProfile(ctx, caller.userId);
  await ctx.store.db.updateTable('users').set(changes).where('id', '=', caller.userId).execute();
  const profile = await getProfile(ctx, caller.userId);
  // Names show in chat lists, headers and bubbles: everyone who may see the user hears of it
  // (the same audience as presence; blocked users do not).
  const { contacts, peers } = await loadAudience(ctx.store.db, caller.userId);
  ctx.bus.publish([{ kind: 'frame', userIds: [caller.userId, ...contacts, ...peers], frame: { type: 'profile', profile } }]);
  return profile;
}

/** Users by username prefix, for finding someone to chat with. */
export async function searchUsers(ctx: Context, query: string, limit = 20) {
  const prefix = query.toLowerCase().replace(/[^a-z0-9_.]/g, '');
  if (!prefix) return [];
  const rows = await ctx.store.db
    .selectFrom('users')
    .select(['id', 'username', 'display_name'])
    .where('deleted_at', 'is', null)
    .where('username', '>=', prefix)
    .where('username', '<', `${prefix}\u{10ffff}`)
    .orderBy('username')
    .limit(limit)
    .execute();
  return rows;
}
