import { newId } from '../ids.js';
import type { Context } from '../context.js';
import type { Db } from '../store/Store.js';
import { newRefreshToken } from './tokens.js';

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  deviceId: string;
}

/** A login session is a device row plus its current refresh token. */
export async function openSession(ctx: Context, db: Db, userId: string, deviceName: string): Promise<SessionTokens> {
  const now = Date.now();
  const deviceId = newId();
  await db.insertInto('devices').values({ id: deviceId, user_id: userId, name: deviceName, created_at: now, last_seen_at: now }).execute();
  const refreshToken = await issueRefreshToken(ctx, db, deviceId, now);
  return { accessToken: ctx.tokens.signAccess({ userId, deviceId }), refreshToken, deviceId };
}

export async function issueRefreshToken(ctx: Context, db: Db, deviceId: string, now: number, parentHash: string | null = null): Promise<string> {
  const { token, hash } = newRefreshToken();
  await db
    .insertInto('refresh_tokens')
    .values({ token_hash: hash, device_id: deviceId, expires_at: now + ctx.tokens.refreshTtlSec * 1000, used_at: null, parent_hash: parentHash })
    .execute();
  return token;
}

/** Ends a session: the device and (by cascade) its refresh tokens are gone. */
export async function revokeDevice(db: Db, deviceId: string): Promise<void> {
  await db.deleteFrom('refresh_tokens').where('device_id', '=', deviceId).execute();
  await db.deleteFrom('devices').where('id', '=', deviceId).execute();
}
