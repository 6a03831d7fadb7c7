import crypto from 'node:crypto';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { AppError } from '../errors.js';
import type { Caller } from '../context.js';
import type { Db } from '../store/Store.js';
import { settingOnce } from '../store/settingOnce.js';

export interface Tokens {
  signAccess(caller: Caller): string;
  /** Throws `unauthorized` or `token_expired`. */
  verifyAccess(token: string): Caller;
  accessTtlSec: number;
  refreshTtlSec: number;
}

/** A refresh token is 256 random bits; only its SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export const hashRefreshToken = (token: string): string =>
  crypto.createHash('sha256').update(token).digest('hex');

/**
 * The signing secret comes from TOKEN_SECRET, or is generated once and kept in the
 * database, so restarts and every node sharing the database accept the same tokens.
 */
export async function loadTokenSecret(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  return settingOnce(db, 'token_secret', () => crypto.randomBytes(48).toString('base64url'));
}

export function createTokens(secret: string, accessTtlSec: number, refreshTtlSec: number): Tokens {
  const sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: accessTtlSec * 1000 });
  const verify = createVerifier({ key: secret, algorithms: ['HS256'] });
  return {
    accessTtlSec,
    refreshTtlSec,
    signAccess: ({ userId, deviceId }) => sign({ sub: userId, did: deviceId }),
    verifyAccess(token) {
      let claims: { sub?: unknown; did?: unknown };
      try {
        claims = verify(token);
      } catch (err) {
        if (err instanceof TokenError && err.code === TokenError.codes.expired) {
          throw new AppError('token_expired', 'access token expired; refresh it');
        }
        throw new AppError('unauthorized', 'invalid access token');
      }
      if (typeof claims.sub !== 'string' || typeof claims.did !== 'string') {
        throw new AppError('unauthorized', 'invalid access token');
      }
      return { userId: claims.sub, deviceId: claims.did };
    },
  };
}
