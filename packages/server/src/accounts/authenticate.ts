import { AppError } from '../errors.js';
import type { Caller, Context } from '../context.js';
import { leanRows } from '../store/leanRows.js';

/**
 * Access tokens are signed and short-lived, but a revoked session must stop working at
 * once, so the device row is checked too (a primary-key lookup).
 */
export async function authenticate(ctx: Context, token: string | undefined): Promise<Caller> {
  if (!token) throw new AppError('unauthorized', 'missing access token');
  const caller = ctx.tokens.verifyAccess(token);
  const { db } = ctx.store;
  // leanRows: the query tree is not kept alive across the round trip (see there).
  const rows = await leanRows(db, db.selectFrom('devices').select('id').where('id', '=', caller.deviceId).where('user_id', '=', caller.userId));
  if (rows.length === 0) throw new AppError('unauthorized', 'session was revoked; log in again');
  return caller;
}
