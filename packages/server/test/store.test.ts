import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite/SqliteStore.js';
import { openPostgresStore } from '../src/store/postgres/PostgresStore.js';
import { appendMessages, type SendRequest } from '../src/messages/appendMessages.js';
import type { Store } from '../src/store/Store.js';
import { clusterEnv } from './support/backend.js';
import { tempDir } from './support/server.js';

// One contract, every adapter: what the rest of the server relies on from a Store.
const log = pino({ level: 'silent' });
const opened: Store[] = [];
const adapters: Record<string, (dir: string) => Promise<Store>> = {
  sqlite: (dir) => openSqliteStore(dir, log),
  postgres: async (dir) => openPostgresStore((await clusterEnv(dir)).DATABASE_URL!, log),
};
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

async function seedChat(store: Store, members: string[]): Promise<string> {
  const chatId = `chat-${Math.random().toString(36).slice(2)}`;
  const now = Date.now();
  await store.transaction(async (trx) => {
    await trx.insertInto('users').values(members.map((id) => ({ id, username: id, display_name: id, password_hash: 'x', avatar_url: null, about: null, created_at: now }))).onConflict((oc) => oc.column('id').doNothing()).execute();
    await trx.insertInto('chats').values({ id: chatId, type: 'group', name: 'g', pair_key: null, last_seq: 0, created_by: members[0]!, created_at: now }).execute();
    await trx.insertInto('chat_members').values(members.map((id) => ({ chat_id: chatId, user_id: id, role: 'member' as const, joined_at: now, last_delivered_seq: 0, last_read_seq: 0 }))).execute();
  });
  return chatId;
}

const send = (chatId: string, userId: string, content: string, clientMsgId?: string): SendRequest => ({
  caller: { userId, deviceId: 'd' },
  chatId,
  clientMsgId,
  input: { type: 'text', content },
});

describe.each(Object.keys(adapters))('Store contract: %s', (kind) => {
  const open = async (dir = tempDir()) => {
    const store = await adapters[kind]!(dir);
    opened.push(store);
    return store;
  };

  it('migrates idempotently: reopening the same database keeps the data', async () => {
    const dir = tempDir();
    const first = await open(dir);
    const chatId = await seedChat(first, ['u1', 'u2']);
    const second = await open(dir);
    const row = await second.db.selectFrom('chats').select('id').where('id', '=', chatId).executeTakeFirst();
    expect(row?.id).toBe(chatId);
  });

  it('a transaction that throws leaves nothing behind', async () => {
    const store = await open();
    const chatId = await seedChat(store, ['a1', 'a2']);
    await expect(
      store.transaction(async (trx) => {
        await appendMessages(trx, [send(chatId, 'a1', 'doomed')]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const count = await store.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('chat_id', '=', chatId).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
    const chat = await store.db.selectFrom('chats').select('last_seq').where('id', '=', chatId).executeTakeFirstOrThrow();
    expect(Number(chat.last_seq)).toBe(0);
  });

  it('concurrent batches get gapless seqs and numbers come back as numbers', async () => {
    const store = await open();
    const chatId = await seedChat(store, ['b1', 'b2']);
    await Promise.all(
      Array.from({ length: 20 }, (_, batch) =>
        store.transaction((trx) => appendMessages(trx, Array.from({ length: 10 }, (_, i) => send(chatId, i % 2 ? 'b1' : 'b2', `${batch}.${i}`)))),
      ),
    );
    const rows = await store.db.selectFrom('messages').select(['seq', 'created_at']).where('chat_id', '=', chatId).orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(typeof rows[0]!.seq).toBe('number');
    expect(typeof rows[0]!.created_at).toBe('number');
  });

  it('a clientMsgId stored once is found again, within a batch and across batches', async () => {
    const store = await open();
    const chatId = await seedChat(store, ['c1', 'c2']);
    const [first, sameBatch] = await store.transaction((trx) => appendMessages(trx, [send(chatId, 'c1', 'hi', 'k1'), send(chatId, 'c1', 'hi', 'k1')]));
    const [later] = await store.transaction((trx) => appendMessages(trx, [send(chatId, 'c1', 'hi', 'k1')]));
    expect(first!.ok && sameBatch!.ok && later!.ok).toBe(true);
    if (!first!.ok || !sameBatch!.ok || !later!.ok) return;
    expect(sameBatch!.row.id).toBe(first!.row.id);
    expect(later!.row.id).toBe(first!.row.id);
    expect([first!.fresh, sameBatch!.fresh, later!.fresh]).toEqual([true, false, false]);
    // The same clientMsgId from another sender is another message.
    const [other] = await store.transaction((trx) => appendMessages(trx, [send(chatId, 'c2', 'hi', 'k1')]));
    expect(other!.ok && other!.row.seq).toBe(2);
  });

  it('refuses non-members and unknown chats per request, storing the rest of the batch', async () => {
    const store = await open();
    const chatId = await seedChat(store, ['d1', 'd2']);
    const outcomes = await store.transaction((trx) =>
      appendMessages(trx, [send(chatId, 'd1', 'ok'), send(chatId, 'stranger', 'no'), send('nope', 'd1', 'no'), send(chatId, 'd2', 'ok too')]),
    );
    expect(outcomes.map((o) => (o.ok ? o.row.seq : o.error.code))).toEqual([1, 'forbidden', 'not_found', 2]);
  });
});

describe('SQLite store', () => {
  const open = async (dir = tempDir()) => {
    const store = await openSqliteStore(dir, log);
    opened.push(store);
    return store;
  };
  const indexed = async (store: Store, word: string) =>
    Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM messages_fts WHERE messages_fts MATCH ${word}`.execute(store.db)).rows[0]!.n);

  it('indexSearch adds every message stored since the last call to the search index, once', async () => {
    const store = await open();
    const chatId = await seedChat(store, ['s1', 's2']);
    await store.transaction((trx) => appendMessages(trx, [send(chatId, 's1', 'zebra one'), send(chatId, 's2', 'zebra two')]));
    expect(await indexed(store, 'zebra')).toBe(0); // stored, not yet indexed
    await store.transaction((trx) => store.indexSearch(trx));
    await store.transaction((trx) => store.indexSearch(trx));
    expect(await indexed(store, 'zebra')).toBe(2);
    // An edit of an indexed row replaces its words; one of a row not yet indexed goes in with its new text.
    await store.transaction((trx) => appendMessages(trx, [send(chatId, 's1', 'zebra three')]));
    await store.db.updateTable('messages').set({ content: 'okapi' }).where('chat_id', '=', chatId).where('seq', 'in', [1, 3]).execute();
    await store.transaction((trx) => store.indexSearch(trx));
    expect(await indexed(store, 'zebra')).toBe(1);
    expect(await indexed(store, 'okapi')).toBe(2);
  });

  it('keeps the write-ahead log bounded under a steady stream of commits', async () => {
    const dir = tempDir();
    const store = await open(dir);
    const chatId = await seedChat(store, ['w1', 'w2']);
    const text = 'x'.repeat(2000);
    // About 60 MB of pages through the WAL: far past the writer's 4,000-page (16 MB) checkpoint mark.
    for (let i = 0; i < 60; i++) {
      await store.transaction((trx) => appendMessages(trx, Array.from({ length: 500 }, (_, j) => send(chatId, 'w1', `${text} ${i}.${j}`))));
    }
    const walBytes = fs.statSync(path.join(dir, 'parley.db-wal')).size;
    expect(walBytes).toBeLessThan(32 * 1024 * 1024);
    const chat = await store.db.selectFrom('chats').select('last_seq').where('id', '=', chatId).executeTakeFirstOrThrow();
    expect(Number(chat.last_seq)).toBe(30_000);
  });

  it('a write outside a transaction commits on its own: another connection sees it, and the commit after it', async () => {
    const dir = tempDir();
    const store = await open(dir);
    const chatId = await seedChat(store, ['v1', 'v2']);
    await store.db.updateTable('chats').set({ name: 'renamed' }).where('id', '=', chatId).execute();
    await store.transaction((trx) => appendMessages(trx, [send(chatId, 'v1', 'kept')]));
    // Another connection, as after a restart, sees both.
    const again = await open(dir);
    expect((await again.db.selectFrom('chats').select('name').where('id', '=', chatId).executeTakeFirstOrThrow()).name).toBe('renamed');
    expect((await again.db.selectFrom('messages').select('content').where('chat_id', '=', chatId).executeTakeFirstOrThrow()).content).toBe('kept');
  });
});
