import type { Caller, Context } from '../context.js';
import { revokeDevice } from './sessions.js';

/** Ends the caller's session on this device; its sockets close and its refresh token dies. */
export async function logout(ctx: Context, caller: Caller): Promise<void> {
  await ctx.store.transaction((trx) => revokeDevice(trx, caller.deviceId));
  ctx.bus.publish([{ kind: 'revoke', userId: caller.userId, deviceId: caller.deviceId }]);
}
