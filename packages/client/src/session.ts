import type { User } from '@parley/protocol';

export interface Session { user: User; accessToken: string; refreshToken: string; deviceId?: string }

/** Refresh once this share of the token's lifetime has passed. */
const REFRESH_AT = 0.8;

/**
 * When to refresh an access token received now, by the local clock. The lifetime is read
 * from the JWT (`exp - iat`) and counted from the moment of receipt, so a client whose clock
 * is off still refreshes on time. `undefined` for a token whose lifetime cannot be read.
 */
export function refreshTime(accessToken: string, receivedAt = Date.now()): number | undefined {
  const claims = jwtClaims(accessToken);
  if (typeof claims?.exp !== 'number') return undefined;
  const lifetimeMs = typeof claims.iat === 'number' ? (claims.exp - claims.iat) * 1000 : claims.exp * 1000 - receivedAt;
  return receivedAt + Math.max(0, lifetimeMs) * REFRESH_AT;
}

/** The payload of a JWT, unverified: the server checks signatures, the client only reads times. */
export function jwtClaims(token: string): { exp?: unknown; iat?: unknown } | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as { exp?: unknown; iat?: unknown };
  } catch {
    return undefined;
  }
}
