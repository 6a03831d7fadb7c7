import path from 'node:path';

/** Everything the server reads from the environment, validated once at boot. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  /** The message path's statements as named prepared statements (PostgreSQL). */
  databasePreparedStatements: boolean;
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
  /** How long after its use a refresh token may be presented again, if no token rotated from it was used yet. */
  refreshReuseGraceMs: number;
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
  /** Data exports per user per hour: each reads the whole account. */
  exportRatePerHour: number;
  /** Rows per keyset page when exporting or deleting an account, so memory stays bounded. */
  exportPageSize: number;
  deletePageSize: number;
  /**
   * Seqs of one chat read per statement when export and deletion look for a user's messages
   * (messages/sentMessagePages): bounds each statement's work (about a millisecond on SQLite).
   */
  accountScanWindow: number;
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
  /** An SSE stream gets a comment this often, so proxies and clients see it alive. */
  sseKeepAliveMs: number;
  /** The longest a long poll is held when there is nothing to answer. */
  pollHoldMs: number;
  /** Events (receipts, typing, presence, chat changes) kept per polling device, and how long after its last poll. */
  pollMailboxEvents: number;
  pollMailboxTtlMs: number;
  /** Largest upload of an image, audio or other file, and of a video, in bytes (413 past it). */
  mediaMaxBytes: number;
  mediaVideoMaxBytes: number;
  /** How long a signed media URL works. */
  mediaUrlTtlSec: number;
  /** An upload no message references is deleted once it is this old (unsent, or its messages deleted for everyone). */
  mediaUnreferencedTtlSec: number;
  /** How often each periodic sweep (dead sessions, unreferenced uploads) runs on this node; 0 turns them off. */
  sweepIntervalSec: number;
  /** Set S3_ENDPOINT and S3_BUCKET to keep media in an S3-compatible store instead of DATA_DIR/media. */
  s3?: S3Config;
  push: PushConfig;
}

/** Web Push (docs/notifications.md). Without a key pair in the environment one is made once and stored. */
export interface PushConfig {
  vapid?: { publicKey: string; privateKey: string };
  /** A mailto: or https: contact for push services, sent in every VAPID JWT. */
  subject: string;
  /** Accept http: endpoints and endpoints on loopback, private or link-local addresses: for tests and push services on a private network. */
  insecureEndpoints: boolean;
  /** How long a push service keeps a push for a device that is offline. */
  ttlSec: number;
  /** Pushes in flight at once, and waiting at most before the oldest are dropped. */
  concurrency: number;
  queueMax: number;
}

export interface S3Config {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `http://host/bucket/key` rather than `http://bucket.host/key`: what MinIO and most self-hosted stores want. */
  forcePathStyle: boolean;
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
    databasePreparedStatements: bool(env, 'DATABASE_PREPARED_STATEMENTS', true),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisPrefix: env.REDIS_PREFIX || 'parley',
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: bool(env, 'TRUST_PROXY', false),
    tokenSecret,
    accessTokenTtlSec: int(env, 'ACCESS_TOKEN_TTL_SEC', 15 * 60, 1),
    refreshTokenTtlSec: int(env, 'REFRESH_TOKEN_TTL_SEC', 60 * 24 * 3600, 1),
    refreshReuseGraceMs: int(env, 'REFRESH_REUSE_GRACE_MS', 30_000, 0),
    maxGroupMembers: int(env, 'MAX_GROUP_MEMBERS', 1024, 2),
    maxFrameBytes: int(env, 'MAX_FRAME_BYTES', 256 * 1024, 1024),
    maxBufferedBytes: int(env, 'MAX_BUFFERED_BYTES', 8 * 1024 * 1024, 64 * 1024),
    heartbeatIntervalMs: int(env, 'HEARTBEAT_INTERVAL_MS', 30_000, 100),
    authTimeoutMs: int(env, 'AUTH_TIMEOUT_MS', 10_000, 100),
    wsRatePerSec: int(env, 'WS_RATE_PER_SEC', 200, 1),
    wsRateBurst: int(env, 'WS_RATE_BURST', 1000, 1),
    httpRatePerMin: int(env, 'HTTP_RATE_PER_MIN', 6000, 1),
    authRatePerMin: int(env, 'AUTH_RATE_PER_MIN', 60, 1),
    exportRatePerHour: int(env, 'EXPORT_RATE_PER_HOUR', 5, 1),
    exportPageSize: int(env, 'EXPORT_PAGE_SIZE', 1000, 1, 10_000),
    deletePageSize: int(env, 'ACCOUNT_DELETE_PAGE_SIZE', 500, 1, 2000),
    accountScanWindow: int(env, 'ACCOUNT_SCAN_WINDOW', 4096, 1, 1_000_000),
    receiptsDetailMax: int(env, 'RECEIPTS_DETAIL_MAX', 256, 2),
    presenceGraceMs: int(env, 'PRESENCE_GRACE_MS', 5000, 0),
    typingTtlMs: int(env, 'TYPING_TTL_MS', 5000, 100),
    presenceNodeTtlMs: int(env, 'PRESENCE_NODE_TTL_MS', 15_000, 300),
    orderHoldMs: int(env, 'ORDER_HOLD_MS', 50, 0, 10_000),
    sseKeepAliveMs: int(env, 'SSE_KEEPALIVE_MS', 15_000, 50),
    pollHoldMs: int(env, 'POLL_HOLD_MS', 25_000, 0, 120_000),
    pollMailboxEvents: int(env, 'POLL_MAILBOX_EVENTS', 256, 1, 100_000),
    pollMailboxTtlMs: int(env, 'POLL_MAILBOX_TTL_MS', 60_000, 100),
    mediaMaxBytes: int(env, 'MEDIA_MAX_BYTES', 25 * 1024 * 1024, 1024),
    mediaVideoMaxBytes: int(env, 'MEDIA_VIDEO_MAX_BYTES', 100 * 1024 * 1024, 1024),
    mediaUrlTtlSec: int(env, 'MEDIA_URL_TTL_SEC', 3600, 1),
    mediaUnreferencedTtlSec: int(env, 'MEDIA_UNREFERENCED_TTL_SEC', 24 * 3600, 0),
    // At most a week: a timer holds under 2^31 ms.
    sweepIntervalSec: int(env, 'SWEEP_INTERVAL_SEC', 3600, 0, 7 * 24 * 3600),
    s3: s3Config(env),
    push: pushConfig(env),
  };
}

function pushConfig(env: Env): PushConfig {
  const publicKey = env.VAPID_PUBLIC_KEY || undefined;
  const privateKey = env.VAPID_PRIVATE_KEY || undefined;
  if (Boolean(publicKey) !== Boolean(privateKey)) throw new ConfigError('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together');
  const subject = env.VAPID_SUBJECT || 'mailto:admin@localhost';
  if (!/^(mailto:|https:\/\/)/.test(subject)) throw new ConfigError('VAPID_SUBJECT must start with mailto: or https://');
  return {
    vapid: publicKey && privateKey ? { publicKey, privateKey } : undefined,
    subject,
    insecureEndpoints: bool(env, 'PUSH_INSECURE_ENDPOINTS', false),
    ttlSec: int(env, 'PUSH_TTL_SEC', 24 * 3600, 0, 28 * 24 * 3600),
    concurrency: int(env, 'PUSH_CONCURRENCY', 16, 1, 1000),
    queueMax: int(env, 'PUSH_QUEUE_MAX', 10_000, 1),
  };
}

function s3Config(env: Env): S3Config | undefined {
  const endpoint = url(env, 'S3_ENDPOINT', ['http:', 'https:']);
  const bucket = env.S3_BUCKET || undefined;
  if (!endpoint && !bucket) return undefined;
  if (!endpoint || !bucket) throw new ConfigError('S3_ENDPOINT and S3_BUCKET must be set together');
  const accessKeyId = env.S3_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY || undefined;
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    throw new ConfigError('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  }
  return { endpoint, bucket, region: env.S3_REGION || 'us-east-1', accessKeyId, secretAccessKey, forcePathStyle: bool(env, 'S3_FORCE_PATH_STYLE', true) };
}
