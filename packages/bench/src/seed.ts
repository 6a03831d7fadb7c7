import crypto from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { sql } from 'kysely';
import type { loadConfig } from '@parley/server/dist/config.js';
import type { openStore } from '@parley/server/dist/store/openStore.js';
import type { Store } from '@parley/server/dist/store/Store.js';

/**
 * Test data written straight into the server's own schema (its migrations create it), so a
 * scenario can start with 20,000 users or a million stored messages in seconds. Only the load
 * itself goes through the public protocol.
 */
export interface SeededUser {
  userId: string;
  deviceId: string;
  username: string;
}

const ROWS_PER_INSERT = 500;
// Nobody logs in as a seeded user (the bench mints their access tokens), so no argon2 hash is needed.
const NO_PASSWORD = '$seeded$no-login';
const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * The store of the server build under test (`serverDir`, normally packages/server), so the
 * schema the bench seeds is exactly the one that build migrates to.
 */
export async function openSeedStore(serverDir: string, env: { DATA_DIR: string; DATABASE_URL?: string }): Promise<Store> {
  const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(path.join(serverDir, 'dist', file)).href)) as T;
  const config = await load<{ loadConfig: typeof loadConfig }>('config.js');
  const store = await load<{ openStore: typeof openStore }>('store/openStore.js');
  return store.openStore(config.loadConfig(env), pino({ level: 'warn' }));
}

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await insert(rows.slice(i, i + ROWS_PER_INSERT));
}

export async function seedUsers(store: Store, count: number, prefix: string): Promise<SeededUser[]> {
  const now = Date.now();
  const tag = crypto.randomBytes(3).toString('hex');
  const users: SeededUser[] = Array.from({ length: count }, (_, i) => ({
    userId: crypto.randomUUID(),
    deviceId: crypto.randomUUID(),
    username: `${prefix}_${tag}_${i}`,
  }));
  await insertChunked(users, (chunk) =>
    store.db
      .insertInto('users')
      .values(chunk.map((u) => ({ id: u.userId, username: u.username, display_name: u.username, password_hash: NO_PASSWORD, avatar_url: null, about: null, created_at: now })))
      .execute(),
  );
  await insertChunked(users, (chunk) =>
    store.db
      .insertInto('devices')
      .values(chunk.map((u) => ({ id: u.deviceId, user_id: u.userId, name: 'bench', created_at: now, last_seen_at: now })))
      .execute(),
  );
  // A session as a login leaves one. A device without an unexpired refresh token is dead to the
  // server's sweep (accounts/sweepDeadSessions), which revokes it and closes its sockets: it ran
  // at a random moment of each process's first hour and emptied a step now and then.
  const expiresAt = now + SESSION_TTL_MS;
  await insertChunked(users, (chunk) =>
    store.db
      .insertInto('refresh_tokens')
      .values(chunk.map((u) => ({ token_hash: crypto.randomBytes(32).toString('hex'), device_id: u.deviceId, expires_at: expiresAt, used_at: null, parent_hash: null })))
      .execute(),
  );
  return users;
}

/** One private chat per pair, as `POST /chats/private` would create it. */
export async function seedPrivateChats(store: Store, pairs: Array<[SeededUser, SeededUser]>): Promise<string[]> {
  const now = Date.now();
  const chats = pairs.map(([a, b]) => ({
    id: crypto.randomUUID(),
    type: 'private' as const,
    name: null,
    pair_key: [a.userId, b.userId].sort().join(':'),
    last_seq: 0,
    created_by: a.userId,
    created_at: now,
  }));
  await insertChunked(chats, (chunk) => store.db.insertInto('chats').values(chunk).execute());
  const members = pairs.flatMap(([a, b], i) => [a, b].map((u) => member(chats[i]!.id, u.userId, 'member', now)));
  await insertChunked(members, (chunk) => store.db.insertInto('chat_members').values(chunk).execute());
  return chats.map((c) => c.id);
}

export async function seedGroup(store: Store, admin: SeededUser, name: string): Promise<string> {
  const now = Date.now();
  const id = crypto.randomUUID();
  await store.db.insertInto('chats').values({ id, type: 'group', name, pair_key: null, last_seq: 0, created_by: admin.userId, created_at: now }).execute();
  await store.db.insertInto('chat_members').values(member(id, admin.userId, 'admin', now)).execute();
  return id;
}

export async function addGroupMembers(store: Store, chatId: string, users: SeededUser[]): Promise<void> {
  const now = Date.now();
  await insertChunked(users, (chunk) =>
    store.db.insertInto('chat_members').values(chunk.map((u) => member(chatId, u.userId, 'member', now))).execute(),
  );
}

const member = (chatId: string, userId: string, role: 'admin' | 'member', now: number) => ({
  chat_id: chatId,
  user_id: userId,
  role,
  joined_at: now,
  last_delivered_seq: 0,
  last_read_seq: 0,
});

/**
 * Appends `count` text messages from `senderId` to a chat, seqs following its `last_seq`, in one
 * INSERT … SELECT over a generated series, and moves the chat's counter past them.
 */
export async function seedMessages(store: Store, chatId: string, senderId: string, count: number): Promise<void> {
  await store.transaction(async (trx) => {
    const chat = await trx.selectFrom('chats').select('last_seq').where('id', '=', chatId).executeTakeFirstOrThrow();
    const from = Number(chat.last_seq) + 1;
    const to = from + count - 1;
    const now = Date.now();
    const series =
      store.kind === 'postgres'
        ? sql`SELECT g AS n FROM generate_series(${from}::bigint, ${to}::bigint) AS g`
        : sql`WITH RECURSIVE s(n) AS (SELECT ${from} UNION ALL SELECT n + 1 FROM s WHERE n < ${to}) SELECT n FROM s`;
    await sql`INSERT INTO messages (chat_id, seq, id, sender_id, client_msg_id, type, content, reply_to, created_at, edited_at, deleted_at)
      SELECT CAST(${chatId} AS TEXT), n, CAST(${chatId} AS TEXT) || '-m' || n, CAST(${senderId} AS TEXT), NULL, 'text',
        'seeded message number ' || n || ' of a long history', NULL, CAST(${now} AS BIGINT) + n, NULL, NULL
      FROM (${series}) AS series`.execute(trx);
    await trx.updateTable('chats').set({ last_seq: to }).where('id', '=', chatId).execute();
    // Builds of other commits (--server) fed the search index inside the commit, and some had no index.
    await (store as Store & { indexSearch?(db: typeof trx): Promise<void> }).indexSearch?.(trx);
  });
  // Into the search index as the server would have put them, before the scenario measures anything.
  await store.searchCaughtUp?.();
}

/**
 * The state a bulk load settles into on a live system: fresh planner statistics, as autovacuum
 * would keep them (without them PostgreSQL pages history with a bitmap scan and a sort over the
 * whole chat: 56 ms a page at 100,000 messages instead of 0.1 ms), the new rows vacuumed
 * (visibility map set, so no reader pays for hint bits on its first visit), and on SQLite the
 * load's write-ahead log folded into the database (otherwise the server's checkpointer copies
 * hundreds of megabytes while the scenario measures).
 */
export async function settleBulkLoad(store: Store): Promise<void> {
  if (store.kind === 'postgres') {
    await sql`VACUUM ANALYZE`.execute(store.db);
    return;
  }
  await sql`ANALYZE`.execute(store.db);
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
}
