import path from 'node:path';

/** Everything the server reads from the environment, validated once at boot. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  /** Namespaces this deployment's Redis keys and channels; every node of one deployment shares it. */
  redisPrefix: string;
  logLevel: string;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (rate limits are per client). */
  trustProxy: boolean;
  /** Signing secret for access tokens; generated and kept in the database when unset. */
  tokenSecret?: string;
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  maxGroupMembers: number;
  /** Largest WebSocket frame accepted, in bytes. */
  maxFrameBytes: number;
  /** A socket whose unsent bytes pass this is closed as a slow consumer. */
  maxBufferedBytes: number;
  heartbeatIntervalMs: number;
  authTimeoutMs: number;
  /** Per-connection frame budget: `wsRateBurst` at once, refilled at `wsRatePerSec`. */
  wsRatePerSec: number;
  wsRateBurst: number;
  /** Per-IP REST budget per minute, and the stricter one for register/login/refresh. */
  httpRatePerMin: number;
  authRatePerMin: number;
  /** Chats up to this size keep per-member receipts (who read when); larger ones only counts. */
  receiptsDetailMax: number;
  /** A user whose last connection closed stays online this long, so a reconnect does not flap. */
  presenceGraceMs: number;
  /** With Redis: a node that stops heartbeating for this long is dead, and its users go offline. */
  presenceNodeTtlMs: number;
  /** A typing indicator without a refreshing `start` stops after this long. */
  typingTtlMs: number;
  /** How long a node holds a message that arrived ahead of a missing seq (several nodes only). */
  orderHoldMs: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function url(env: Env, name: string, schemes: string[]): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL`);
  }
  if (!schemes.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${schemes.map((s) => `${s}//`).join(' or ')}`);
  }
  return raw;
}

export function loadConfig(env: Env = process.env): Config {
  const tokenSecret = env.TOKEN_SECRET || undefined;
  if (tokenSecret !== undefined && tokenSecret.length < 32) {
    throw new ConfigError('TOKEN_SECRET must be at least 32 characters');
  }
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisPrefix: env.REDIS_PREFIX || 'parley',
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: bool(env, 'TRUST_PROXY', false),
    tokenSecret,
    accessTokenTtlSec: int(env, 'ACCESS_TOKEN_TTL_SEC', 15 * 60, 1),
    refreshTokenTtlSec: int(env, 'REFRESH_TOKEN_TTL_SEC', 60 * 24 * 3600, 1),
    maxGroupMembers: int(env, 'MAX_GROUP_MEMBERS', 1024, 2),
    maxFrameBytes: int(env, 'MAX_FRAME_BYTES', 256 * 1024, 1024),
    maxBufferedBytes: int(env, 'MAX_BUFFERED_BYTES', 8 * 1024 * 1024, 64 * 1024),
    heartbeatIntervalMs: int(env, 'HEARTBEAT_INTERVAL_MS', 30_000, 100),
    authTimeoutMs: int(env, 'AUTH_TIMEOUT_MS', 10_000, 100),
    wsRatePerSec: int(env, 'WS_RATE_PER_SEC', 200, 1),
    wsRateBurst: int(env, 'WS_RATE_BURST', 1000, 1),
    httpRatePerMin: int(env, 'HTTP_RATE_PER_MIN', 6000, 1),
    authRatePerMin: int(env, 'AUTH_RATE_PER_MIN', 60, 1),
    receiptsDetailMax: int(env, 'RECEIPTS_DETAIL_MAX', 256, 2),
    presenceGraceMs: int(env, 'PRESENCE_GRACE_MS', 5000, 0),
    typingTtlMs: int(env, 'TYPING_TTL_MS', 5000, 100),
    presenceNodeTtlMs: int(env, 'PRESENCE_NODE_TTL_MS', 15_000, 300),
    orderHoldMs: int(env, 'ORDER_HOLD_MS', 50, 0, 10_000),
  };
}
