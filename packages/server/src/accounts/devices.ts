import type { Device } from '@parley/protocol';
import { notFound } from '../errors.js';
import type { Caller, Context } from '../context.js';
import { iso } from './presentUser.js';
import { revokeDevice } from './sessions.js';

export async function listDevices(ctx: Context, caller: Caller): Promise<Device[]> {
  const rows = await ctx.store.db.selectFrom('devices').selectAll().where('user_id', '=', caller.userId).orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: iso(r.created_at), lastSeenAt: iso(r.last_seen_at), current: r.id === caller.deviceId }));
}

/** Signs one of your own devices out everywhere: its refresh token dies and its sockets close now. */
export async function revokeOwnDevice(ctx: Context, caller: Caller, deviceId: string): Promise<void> {
  const device = await ctx.store.db.selectFrom('devices').select('id').where('id', '=', deviceId).where('user_id', '=', caller.userId).executeTakeFirst();
  if (!device) throw notFound('device');
  await ctx.store.transaction((trx) => revokeDevice(trx, deviceId));
  ctx.bus.publish([{ kind: 'revoke', userId: caller.userId, deviceId }]);
}
