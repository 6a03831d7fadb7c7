import { AppError } from '../errors.js';
import type { Caller, Context } from '../context.js';
import type { RecentDevices } from './RecentDevices.js';

/**
 * Access tokens are signed and short-lived, but a revoked session must stop working at
 * once, so the device row is checked too (DeviceChecks: one lookup for the connections that
 * authenticate in the same turn). With `recent` (REST), a
 * device found valid a moment ago is not looked up again; see RecentDevices for how a
 * revocation still takes effect.
 */
export async function authenticate(ctx: Context, token: string | undefined, recent?: RecentDevices): Promise<Caller> {
  if (!token) throw new AppError('unauthorized', 'missing access token');
  const caller = ctx.tokens.verifyAccess(token);
  if (recent?.has(caller.userId, caller.deviceId)) return caller;
  const ticket = recent?.ticket();
  if (!(await ctx.deviceChecks.exists(caller.userId, caller.deviceId))) throw new AppError('unauthorized', 'session was revoked; log in again');
  if (ticket !== undefined) recent!.remember(caller.userId, caller.deviceId, ticket);
  return caller;
}
