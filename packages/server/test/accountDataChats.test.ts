import crypto from 'node:crypto';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/accounts/passwords.js';
import { MIGRATIONS } from '../src/store/migrate.js';
import { api, createGroup, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { backend, backendEnv } from './support/backend.js';
import { postgresReads, sqliteSteps, type Step } from './support/queryPlans.js';
import { recordStatements, type RanStatement } from './support/recordStatements.js';
import { startServer, tempDir, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

// Export and account deletion find a user's messages through the chats they are in or left, a
// window of seqs at a time (messages/sentMessagePages). A small window and page, so a chat of a
// few messages already spans several of each.
const WINDOW = 4;
const PAGE = 3;
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ ACCOUNT_SCAN_WINDOW: String(WINDOW), EXPORT_PAGE_SIZE: String(PAGE), ACCOUNT_DELETE_PAGE_SIZE: String(PAGE), EXPORT_RATE_PER_HOUR: '1000' });
});
afterAll(() => server.close());

type Sent = { id: string; chatId: string; seq: number };
const call = (base: string, user: TestUser, method: string, p: string, body?: unknown) => api(base, method, p, body, user.accessToken);
const sendText = async (user: TestUser, chatId: string, content: string, base = server.baseUrl): Promise<Sent> =>
  (await call(base, user, 'POST', `/chats/${chatId}/messages`, { type: 'text', content })).body.message;
const history = async (user: TestUser, chatId: string, base = server.baseUrl): Promise<any[]> =>
  (await call(base, user, 'GET', `/chats/${chatId}/messages?limit=100`)).body.messages;
const byChatThenSeq = (a: Sent, b: Sent) => (a.chatId < b.chatId ? -1 : a.chatId > b.chatId ? 1 : a.seq - b.seq);

async function exportOf(user: TestUser, base = server.baseUrl) {
  const res = await fetch(`${base}/api/v1/users/me/export`, { headers: { authorization: `Bearer ${user.accessToken}` } });
  expect(res.status).toBe(200);
  return res.json();
}

const deleteWithMessages = async (user: TestUser, base = server.baseUrl) =>
  expect((await call(base, user, 'DELETE', '/users/me', { password: user.password, deleteMessages: true })).status).toBe(204);

/**
 * Alice writes in a group she then leaves (after being added back and leaving again), one she is
 * then removed from, and a private chat, taking turns with Bob so that her messages in each run
 * over several windows; Bob and Carol talk in a group Alice was never in.
 */
async function aliceLeavesAndIsRemoved() {
  const [alice, bob, carol] = [await registerUser(server.baseUrl, 'dep'), await registerUser(server.baseUrl, 'dep'), await registerUser(server.baseUrl, 'dep')];
  const left = await createGroup(server.baseUrl, carol, [alice, bob], 'left');
  const removed = await createGroup(server.baseUrl, carol, [alice, bob], 'removed');
  const never = await createGroup(server.baseUrl, bob, [carol], 'never');
  const privateId = await openPrivateChat(server.baseUrl, alice, bob);
  const mine: Sent[] = [];
  const others: Sent[] = [];
  for (let i = 0; i < 3 * WINDOW; i++) {
    for (const chatId of [left, removed, privateId]) {
      if (i % 3 === 1) others.push(await sendText(bob, chatId, `bob ${i}`));
      else mine.push(await sendText(alice, chatId, `alice ${i}`));
    }
    others.push(await sendText(bob, never, `never ${i}`));
  }
  const leave = () => call(server.baseUrl, alice, 'POST', `/chats/${left}/leave`);
  expect((await leave()).status).toBe(204);
  expect((await call(server.baseUrl, carol, 'POST', `/chats/${left}/members`, { userIds: [alice.id] })).status).toBe(200);
  expect((await leave()).status).toBe(204);
  expect((await call(server.baseUrl, carol, 'DELETE', `/chats/${removed}/members/${alice.id}`)).status).toBe(204);
  return { alice, bob, carol, left, removed, never, privateId, mine, others };
}

describe('the chats a user left or was removed from', () => {
  it('their messages there are in their export, by chat then seq, each once, across windows and pages', async () => {
    const { alice, mine } = await aliceLeavesAndIsRemoved();
    const data = await exportOf(alice);
    expect(data.messages.map((m: Sent) => [m.chatId, m.seq])).toEqual([...mine].sort(byChatThenSeq).map((m) => [m.chatId, m.seq]));
    expect(data.messages.map((m: Sent) => m.id)).toEqual([...mine].sort(byChatThenSeq).map((m) => m.id));
  });

  it('with deleteMessages, deletion erases them there too and tells the members; everyone else\'s messages stay', async () => {
    const { alice, bob, carol, left, removed, never, privateId, mine, others } = await aliceLeavesAndIsRemoved();
    const bobSocket = await TestSocket.connect(server.wsUrl, bob.accessToken);
    await deleteWithMessages(alice);
    // Bob is in all three of Alice's chats: he hears of each erased message, found after the commit as before it.
    const updates = await bobSocket.waitForCount((f) => f.type === 'message.updated' && f.message.senderId === alice.id, mine.length);
    expect(new Set(updates.map((f) => f.message.id))).toEqual(new Set(mine.map((m) => m.id)));
    bobSocket.close();
    const stored = new Map<string, any>();
    for (const chatId of [left, removed, privateId, never]) for (const m of await history(chatId === removed ? carol : bob, chatId)) stored.set(m.id, m);
    for (const m of mine) expect(stored.get(m.id)).toMatchObject({ content: '', deletedAt: expect.any(String) });
    for (const m of others) expect(stored.get(m.id)).toMatchObject({ content: expect.stringMatching(/^(bob|never) /) });
    for (const m of others) expect(stored.get(m.id).deletedAt).toBeUndefined();
  });
});

describe('migration 0012', () => {
  it('finds the groups left before it: their messages are exported and erased like the ones left after', async () => {
    // A database as 0011 left it, with a departure written then: Alice's messages in a group she is no longer in.
    const dir = tempDir();
    const old = await openAt0011(dir);
    const now = Date.now();
    const hash = await hashPassword('correct horse battery');
    const user = (name: string) => ({ id: crypto.randomUUID(), username: `${name}_${crypto.randomBytes(4).toString('hex')}`, display_name: name, password_hash: hash, avatar_url: null, about: null, created_at: now });
    const [alice, bob] = [user('alice'), user('bob')];
    const [left, kept] = [crypto.randomUUID(), crypto.randomUUID()];
    await old.insertInto('users').values([alice, bob]).execute();
    await old.insertInto('chats').values([left, kept].map((id) => ({ id, type: 'group', name: 'g', pair_key: null, last_seq: 3, created_by: bob.id, created_at: now }))).execute();
    const member = (chatId: string, userId: string, role: string) => ({ chat_id: chatId, user_id: userId, role, joined_at: now, last_delivered_seq: 0, last_read_seq: 0 });
    await old.insertInto('chat_members').values([member(left, bob.id, 'admin'), member(kept, bob.id, 'admin'), member(kept, alice.id, 'member')]).execute();
    const message = (chatId: string, seq: number, senderId: string) => ({ chat_id: chatId, seq, id: crypto.randomUUID(), sender_id: senderId, client_msg_id: null, type: 'text', content: `${senderId === alice.id ? 'alice' : 'bob'} ${seq}`, reply_to: null, created_at: now, edited_at: null, deleted_at: null });
    const rows = [left, kept].flatMap((chatId) => [message(chatId, 1, alice.id), message(chatId, 2, bob.id), message(chatId, 3, alice.id)]);
    await old.insertInto('messages').values(rows).execute();
    await old.destroy();

    const migrated = await startServer({ ACCOUNT_SCAN_WINDOW: '2', EXPORT_RATE_PER_HOUR: '1000' }, dir);
    try {
      const login = async (u: typeof alice): Promise<TestUser> => {
        const res = await api(migrated.baseUrl, 'POST', '/auth/login', { username: u.username, password: 'correct horse battery' });
        expect(res.status).toBe(200);
        return { id: u.id, username: u.username, password: 'correct horse battery', accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
      };
      const [a, b] = [await login(alice), await login(bob)];
      const alicesRows = rows.filter((r) => r.sender_id === alice.id).map((r) => ({ id: r.id, chatId: r.chat_id, seq: r.seq })).sort(byChatThenSeq);
      expect((await exportOf(a, migrated.baseUrl)).messages.map((m: Sent) => m.id)).toEqual(alicesRows.map((m) => m.id));
      await deleteWithMessages(a, migrated.baseUrl);
      for (const chatId of [left, kept]) {
        expect((await history(b, chatId, migrated.baseUrl)).map((m) => m.content)).toEqual(['', 'bob 2', '']);
      }
    } finally {
      await migrated.close();
    }
  });
});

/** A fresh database for `dir` (SQLite file or PostgreSQL database) migrated up to 0011 only. */
async function openAt0011(dir: string): Promise<Kysely<any>> {
  const env = await backendEnv(dir);
  const db = new Kysely<any>({
    dialect: env.DATABASE_URL
      ? new PostgresDialect({ pool: new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 }) })
      : new SqliteDialect({ database: new SQLite(path.join(dir, 'parley.db')) }),
  });
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } }).migrateTo('0011_sweep_indexes');
  if (error) throw error;
  return db;
}

describe('how much export and deletion read', () => {
  // A long chat the user was never in, every message with a reaction, written straight into the database.
  const UNRELATED = 20_000;

  it('only the chats the user is in or left, a window of seqs a statement, and her own reactions: nothing of another chat', async () => {
    const { alice, bob, carol, never, privateId, mine, others } = await aliceLeavesAndIsRemoved();
    await fillChat(never, [bob.id, carol.id], UNRELATED);
    const bobs = others.find((m) => m.chatId === privateId)!;
    expect((await call(server.baseUrl, alice, 'POST', `/chats/${privateId}/messages/${bobs.id}/reactions`, { emoji: '👍' })).status).toBeLessThan(300);
    // Every message in Alice's chats: the most the walk may read, however long the unrelated chat.
    const inAlicesChats = mine.length + others.filter((m) => m.chatId !== never).length;

    const exporting = recordStatements();
    const data = await exportOf(alice).finally(() => exporting.stop());
    expect(data.messages).toHaveLength(mine.length);
    expect(data.reactions).toEqual([expect.objectContaining({ chatId: privateId, seq: bobs.seq })]);
    const exportRead = await checkReads(exporting.ran, never, inAlicesChats);
    if (exportRead !== undefined) expect(exportRead).toBeLessThanOrEqual(inAlicesChats);

    const deleting = recordStatements();
    await deleteWithMessages(alice).finally(() => deleting.stop());
    await checkReads(deleting.ran, never, inAlicesChats);
  });
});

/** Appends `count` messages of `senders` to a chat, each with a reaction of the next sender, in a few multi-row statements. */
async function fillChat(chatId: string, senders: string[], count: number): Promise<void> {
  const db = server.parley.ctx.store.db;
  const { last_seq } = await db.selectFrom('chats').select('last_seq').where('id', '=', chatId).executeTakeFirstOrThrow();
  const first = Number(last_seq) + 1;
  for (let start = 0; start < count; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
      chat_id: chatId, seq: first + start + i, id: crypto.randomUUID(), sender_id: senders[i % senders.length]!, client_msg_id: null,
      type: 'text', content: `filler ${start + i}`, reply_to: null, created_at: Date.now(), edited_at: null, deleted_at: null,
    }));
    await db.insertInto('messages').values(rows).execute();
    const reactions = rows.map((m, i) => ({ chat_id: chatId, seq: m.seq, user_id: senders[(i + 1) % senders.length]!, emoji: '👍', created_at: Date.now() }));
    await db.insertInto('message_reactions').values(reactions).execute();
  }
  await db.updateTable('chats').set({ last_seq: first + count - 1 }).where('id', '=', chatId).execute();
}

/**
 * Asks the database about each statement that ran and reads `messages` or `message_reactions`:
 * none is bound to the unrelated chat, and every read of those tables is confined to one value of
 * an index's leading column (one chat's range of seqs, one message id, one user's reactions),
 * never a walk of a whole table or index. SQLite: every step of those statements. PostgreSQL: its
 * scans of the two tables and their indexes, and the messages each statement reads, at most what
 * the user's chats hold. Returns the messages read in all (PostgreSQL).
 */
async function checkReads(ran: RanStatement[], unrelatedChatId: string, inUsersChats: number): Promise<number | undefined> {
  // SQLite's search indexer reads new rows in the background, on its own schedule: not export's or deletion's.
  const reading = ran.filter((s) => /\b(messages|message_reactions)\b/.test(s.sql) && !/messages_fts/.test(s.sql));
  expect(reading.length).toBeGreaterThan(0);
  for (const s of reading) expect(s.params).not.toContain(unrelatedChatId);
  const unconfined = (sql: string, steps: Step[]) => ({ sql, steps: steps.filter((step) => !step.confined).map((step) => step.detail) });
  if (backend() === 'sqlite') {
    const file = new SQLite(path.join(server.dataDir, 'parley.db'), { readonly: true });
    try {
      expect(reading.map((s) => unconfined(s.sql, sqliteSteps(file, s))).filter((s) => s.steps.length > 0)).toEqual([]);
    } finally {
      file.close();
    }
    return undefined;
  }
  const client = new pg.Client({ connectionString: server.parley.ctx.config.databaseUrl });
  await client.connect();
  try {
    const reads: Array<{ sql: string; steps: Step[]; messages: number }> = [];
    for (const s of reading) {
      const { steps, rows } = await postgresReads(client, s, ['messages', 'message_reactions']);
      reads.push({ sql: s.sql, steps, messages: rows.get('messages')! });
    }
    expect(reads.map((r) => unconfined(r.sql, r.steps)).filter((s) => s.steps.length > 0)).toEqual([]);
    expect(reads.filter((r) => r.messages > inUsersChats).map((r) => ({ sql: r.sql, messages: r.messages }))).toEqual([]);
    return reads.reduce((sum, r) => sum + r.messages, 0);
  } finally {
    await client.end();
  }
}
