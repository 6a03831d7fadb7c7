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
  sqlite: (dir) => openSqliteStore(dir),
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
