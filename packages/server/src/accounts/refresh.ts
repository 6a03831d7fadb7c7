import { AppError } from '../errors.js';
import type { Context } from '../context.js';
import { issueRefreshToken, revokeDevice } from './sessions.js';
import { hashRefreshToken } from './tokens.js';
import type { Db } from '../store/Store.js';

export interface RefreshResult {
  accessToken: string;
  refreshToken: string;
}

/**
 * Rotation with reuse detection: each refresh token works once. Presenting a used one means it
 * was copied, so the whole device session is revoked and both holders must log in, with one
 * exception that a real client needs: within `refreshReuseGraceMs` of its use, while no token
 * rotated from it has been used, a used token gets another fresh pair. That is a retry whose
 * answer was lost on the network, or two tabs of one session refreshing at the same moment;
 * without it either would log the user out. A copy used after its owner moved on is still caught.
 */
export async function refresh(ctx: Context, refreshToken: string): Promise<RefreshResult> {
  const hash = hashRefreshToken(refreshToken);
  const now = Date.now();
  const outcome = await ctx.store.transaction(async (trx) => {
    const row = await trx
      .selectFrom('refresh_tokens')
      .innerJoin('devices', 'devices.id', 'refresh_tokens.device_id')
      .select(['refresh_tokens.device_id', 'refresh_tokens.expires_at', 'refresh_tokens.used_at', 'devices.user_id'])
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    if (!row || row.expires_at <= now) return { kind: 'invalid' as const };
    // The conditional update decides which of two concurrent uses of one token is the first.
    const claimed = await trx
      .updateTable('refresh_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    const first = row.used_at === null && Number(claimed.numUpdatedRows) === 1;
    // A use that lost the race read the row before the winner's claim: it was used just now.
    if (!first && !(await withinGrace(trx, hash, row.used_at ?? now, now, ctx.config.refreshReuseGraceMs))) {
      await revokeDevice(trx, row.device_id);
      return { kind: 'reused' as const, userId: row.user_id, deviceId: row.device_id };
    }
    await trx.updateTable('devices').set({ last_seen_at: now }).where('id', '=', row.device_id).execute();
    // Used tokens stay until they expire, for reuse detection (the owner may present one a thief
    // used weeks later); past that they only take room: one row per refresh, every few minutes.
    // A device that never refreshes again is left to the sweep (sweepDeadSessions).
    await trx.deleteFrom('refresh_tokens').where('device_id', '=', row.device_id).where('expires_at', '<=', now).execute();
    const next = await issueRefreshToken(ctx, trx, row.device_id, now, hash);
    return { kind: 'ok' as const, userId: row.user_id, deviceId: row.device_id, refreshToken: next };
  });
  if (outcome.kind === 'invalid') throw new AppError('unauthorized', 'refresh token is invalid or expired');
  if (outcome.kind === 'reused') {
    ctx.bus.publish([{ kind: 'revoke', userId: outcome.userId, deviceId: outcome.deviceId }]);
    throw new AppError('unauthorized', 'refresh token was already used; the session is revoked');
  }
  return {
    accessToken: ctx.tokens.signAccess({ userId: outcome.userId, deviceId: outcome.deviceId }),
    refreshToken: outcome.refreshToken,
  };
}

/** A second use soon after the first, before any token rotated from this one has been used. */
async function withinGrace(db: Db, hash: string, usedAt: number, now: number, graceMs: number): Promise<boolean> {
  if (now - usedAt > graceMs) return false;
  const successorUsed = await db
    .selectFrom('refresh_tokens')
    .select('token_hash')
    .where('parent_hash', '=', hash)
    .where('used_at', 'is not', null)
    .executeTakeFirst();
  return successorUsed === undefined;
}
