import crypto from 'node:crypto';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * An access token exactly as the server signs one (HS256, `sub` = user, `did` = device), made
 * with the TOKEN_SECRET the bench gives the server. Registering 20,000 users through the API
 * would spend minutes in argon2 and in the register rate limit, which is not what is measured.
 */
export function mintAccessToken(secret: string, userId: string, deviceId: string, ttlSec = 24 * 3600): string {
  const iat = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: userId, did: deviceId, iat, exp: iat + ttlSec })}`;
  const signature = crypto.createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}
