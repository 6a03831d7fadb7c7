import { CompiledQuery } from 'kysely';
import { AppError } from '../errors.js';
import type { Caller, Context } from '../context.js';
import type { Db } from '../store/Store.js';

/**
 * The device lookup's SQL, built once per database. Built per call, its query tree (a few
 * hundred objects) stayed alive for the round trip, and while thousands of clients connected
 * at once that was long enough to reach V8's old space as garbage.
 */
const deviceLookups = new WeakMap<Db, string>();

function deviceLookup(db: Db, deviceId: string, userId: string): CompiledQuery<{ id: string }> {
  let sql = deviceLookups.get(db);
  if (sql === undefined) {
    sql = db.selectFrom('devices').select('id').where('id', '=', '').where('user_id', '=', '').compile().sql;
    deviceLookups.set(db, sql);
  }
  return CompiledQuery.raw(sql, [deviceId, userId]) as CompiledQuery<{ id: string }>;
}

/**
 * Access tokens are signed and short-lived, but a revoked session must stop working at
 * once, so the device row is checked too (a primary-key lookup).
 */
export async function authenticate(ctx: Context, token: string | undefined): Promise<Caller> {
  if (!token) throw new AppError('unauthorized', 'missing access token');
  const caller = ctx.tokens.verifyAccess(token);
  const { rows } = await ctx.store.db.executeQuery(deviceLookup(ctx.store.db, caller.deviceId, caller.userId));
  if (rows.length === 0) throw new AppError('unauthorized', 'session was revoked; log in again');
  return caller;
}
