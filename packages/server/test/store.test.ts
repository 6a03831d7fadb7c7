import fs from 'node:fs';
import path from 'node:path';
import { Kysely, sql } from 'kysely';
import SQLite from 'better-sqlite3';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite/SqliteStore.js';
import { DurableSqliteDialect } from '../src/store/sqlite/DurableSqliteDialect.js';
import { openPostgresStore } from '../src/store/postgres/PostgresStore.js';
import { appendMessages, storeSends, type SendRequest } from '../src/messages/appendMessages.js';
import { applyReceipts } from '../src/receipts/applyReceipts.js';
import { pairKey } from '../src/store/ReceiptPath.js';
import { isUniqueViolation } from '../src/store/errors.js';
import { withRetry } from '../src/store/withRetry.js';
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

async function seedChat(store: Store, members: string[], type: 'group' | 'private' = 'group'): Promise<string> {
  const chatId = `chat-${Math.random().toString(36).slice(2)}`;
  const now = Date.now();
  await store.transaction(async (trx) => {
    await trx.insertInto('users').values(members.map((id) => ({ id, username: id, display_name: id, password_hash: 'x', avatar_url: null, about: null, created_at: now }))).onConflict((oc) => oc.column('id').doNothing()).execute();
    await trx.insertInto('chats').values({ id: chatId, type, name: 'g', pair_key: type === 'private' ? members.join(':') : null, last_seq: 0, created_by: members[0]!, created_at: now }).execute();
    await trx.insertInto('chat_members').values(members.map((id) => ({ chat_id: chatId, user_id: id, role: 'member' as const, joined_at: now, last_delivered_seq: 0, last_read_seq: 0 }))).execute();
  });
  return chatId;
}

const send = (chatId: string, userId: string, content: string, clientMsgId?: string, more: Partial<SendRequest['input']> = {}): SendRequest => ({
  caller: { userId, deviceId: 'd' },
  chatId,
  clientMsgId,
  input: { type: 'text', content, ...more },
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
        await appendMessages(store, trx, [send(chatId, 'a1', 'doomed')]);
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
        storeSends(store, Array.from({ length: 10 }, (_, i) => send(chatId, i % 2 ? 'b1' : 'b2', `${batch}.${i}`))),
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
    const [first, sameBatch] = await storeSends(store, [send(chatId, 'c1', 'hi', 'k1'), send(chatId, 'c1', 'hi', 'k1')]);
    const [later] = await storeSends(store, [send(chatId, 'c1', 'hi', 'k1')]);
    expect(first!.ok && sameBatch!.ok && later!.ok).toBe(true);
    if (!first!.ok || !sameBatch!.ok || !later!.ok) return;
    expect(sameBatch!.row.id).toBe(first!.row.id);
    expect(later!.row.id).toBe(first!.row.id);
    expect([first!.fresh, sameBatch!.fresh, later!.fresh]).toEqual([true, false, false]);
    // The same clientMsgId from another sender is another message.
    const [other] = await storeSends(store, [send(chatId, 'c2', 'hi', 'k1')]);
    expect(other!.ok && other!.row.seq).toBe(2);
  });

  it('checks each send on its own: a block, a missing reply target or another user\'s upload fail only that send, a resend finds its stored row', async () => {
    const store = await open();
    const chatId = await seedChat(store, ['e1', 'e2']);
    const privateId = await seedChat(store, ['e1', 'e3'], 'private');
    const now = Date.now();
    await store.db.insertInto('contacts').values({ owner_id: 'e3', contact_id: 'e1', status: 'blocked', created_at: now }).execute();
    await store.db.insertInto('media').values({ id: 'm-e2', uploader_id: 'e2', kind: 'image', mime: 'image/png', size: 1, sha256: 'x', blob_key: 'k', name: null, width: 1, height: 1, duration_ms: null, thumb_key: null, thumb_width: null, thumb_height: null, preview: null, created_at: now }).execute();
    const [first] = await storeSends(store, [send(chatId, 'e1', 'first', 'k1')]);
    if (!first!.ok) throw first!.error;
    const outcomes = await storeSends(store, [
      send(chatId, 'e1', 'first again', 'k1'),
      send(privateId, 'e1', 'across a block'),
      send(chatId, 'e2', 'a reply', undefined, { replyTo: first!.row.id }),
      send(chatId, 'e1', 'a reply to nothing', undefined, { replyTo: 'no-such-message' }),
      send(chatId, 'e1', '', undefined, { type: 'image', media: { id: 'm-e2' } }),
      send(chatId, 'e2', '', undefined, { type: 'image', media: { id: 'm-e2' } }),
      send(chatId, 'e1', 'new', 'k2'),
    ]);
    expect(outcomes.map((o) => (o.ok ? o.row.seq : o.error.code))).toEqual([1, 'blocked', 2, 'invalid_request', 'invalid_request', 3, 4]);
    expect(outcomes.map((o) => o.ok && o.fresh)).toEqual([false, false, true, false, false, true, true]);
    const resent = outcomes[0]!;
    expect(resent.ok && resent.row).toEqual(first!.row);
    expect(resent.ok && [...resent.memberIds].sort()).toEqual(['e1', 'e2']);
    const chat = await store.db.selectFrom('chats').select('last_seq').where('id', '=', chatId).executeTakeFirstOrThrow();
    expect(Number(chat.last_seq)).toBe(4);
  });

  it('stores each field as sent, whatever its characters', async () => {
    const store = await open();
    const chatId = await seedChat(store, ['f1', 'f2']);
    const texts = ['NULL', '', 'say "hi", {ok}', 'back\\slash \\" and \'quotes\'', 'ünïcødé 👋 \n second line'];
    const outcomes = await storeSends(store, [
      ...texts.map((t, i) => send(chatId, 'f1', t, `t${i}`)),
      send(chatId, 'f2', 'here', undefined, { type: 'location', location: { lat: 52.520008, lng: -0.1234567890123, name: 'a "place"' } }),
    ]);
    const stored = await store.db.selectFrom('messages').selectAll().where('chat_id', '=', chatId).orderBy('seq').execute();
    expect(stored).toEqual(outcomes.map((o) => o.ok && o.row));
    expect(stored.map((r) => r.content)).toEqual([...texts, 'here']);
    expect(stored.map((r) => r.client_msg_id)).toEqual([...texts.map((_, i) => `t${i}`), null]);
    expect(stored[5]).toMatchObject({ type: 'location', location_lat: 52.520008, location_lng: -0.1234567890123, location_name: 'a "place"', reply_to: null, media_id: null, forwarded: 0 });
  });

  it('refuses non-members and unknown chats per request, storing the rest of the batch', async () => {
    const store = await open();
    const chatId = await seedChat(store, ['d1', 'd2']);
    const outcomes = await storeSends(store, [send(chatId, 'd1', 'ok'), send(chatId, 'stranger', 'no'), send('nope', 'd1', 'no'), send(chatId, 'd2', 'ok too')]);
    expect(outcomes.map((o) => (o.ok ? o.row.seq : o.error.code))).toEqual([1, 'forbidden', 'not_found', 2]);
  });

  it('raises receipt cursors forward only, reports them before and after with the unread count, and logs ranges only where detailed', async () => {
    const store = await open();
    const chatId = await seedChat(store, ['c1', 'c2', 'c3']);
    await storeSends(store, Array.from({ length: 5 }, (_, i) => send(chatId, 'c1', `m${i}`)));
    const raise = (raises: Array<[string, number, number, boolean]>) =>
      store.receiptTransaction((db) => store.raiseReceiptCursors(db, raises.map(([userId, delivered, read, detailed]) => ({ chatId, userId, delivered, read, detailed })), 1_000));
    const key = (userId: string) => pairKey(chatId, userId);

    const first = await raise([['c2', 3, 2, true], ['c3', 0, 0, true], ['stranger', 5, 5, true]]);
    expect(first.cursors).toEqual(new Map([
      [key('c2'), { before: { delivered: 0, read: 0 }, after: { delivered: 3, read: 2 }, unread: 3 }],
      [key('c3'), { before: { delivered: 0, read: 0 }, after: { delivered: 0, read: 0 }, unread: 5 }],
    ]));
    expect([...first.memberIds.keys()]).toEqual([chatId]);
    expect([...first.memberIds.get(chatId)!].sort()).toEqual(['c1', 'c2', 'c3']);

    const lower = await raise([['c2', 1, 1, true]]);
    expect(lower.cursors.get(key('c2'))).toEqual({ before: { delivered: 3, read: 2 }, after: { delivered: 3, read: 2 }, unread: 3 });
    expect(lower.memberIds.size).toBe(0);

    const undetailed = await raise([['c3', 5, 5, false]]);
    expect(undetailed.cursors.get(key('c3'))).toEqual({ before: { delivered: 0, read: 0 }, after: { delivered: 5, read: 5 }, unread: 0 });
    expect(undetailed.memberIds.size).toBe(0);

    const log = await store.db.selectFrom('receipt_log').select(['user_id', 'kind', 'from_seq', 'to_seq', 'at']).where('chat_id', '=', chatId).orderBy('kind').execute();
    expect(log.map((r) => [r.user_id, r.kind, Number(r.from_seq), Number(r.to_seq), Number(r.at)])).toEqual([['c2', 'delivered', 1, 3, 1_000], ['c2', 'read', 1, 2, 1_000]]);
    const stored = await store.db.selectFrom('chat_members').select(['user_id', 'last_delivered_seq', 'last_read_seq']).where('chat_id', '=', chatId).orderBy('user_id').execute();
    expect(stored.map((r) => [r.user_id, Number(r.last_delivered_seq), Number(r.last_read_seq)])).toEqual([['c1', 0, 0], ['c2', 3, 2], ['c3', 5, 5]]);
  });

  it('a member removed between a receipt batch\'s lookup and its raise is refused, and the rest of the batch lands', async () => {
    const store = await open();
    const chatId = await seedChat(store, ['e1', 'e2', 'e3']);
    await storeSends(store, [send(chatId, 'e1', 'x')]);
    // The store as another writer meets it: e2 leaves the chat right after the lookup.
    const racing: Store = {
      ...store,
      async lookUpReceiptBatch(db, chatIds, pairs) {
        const found = await store.lookUpReceiptBatch(db, chatIds, pairs);
        await db.deleteFrom('chat_members').where('chat_id', '=', chatId).where('user_id', '=', 'e2').execute();
        return found;
      },
    };
    const requests = ['e2', 'e3'].map((userId) => ({ caller: { userId, deviceId: 'd' }, chatId, seq: 1, status: 'read' as const }));
    const outcomes = await store.receiptTransaction((db) => applyReceipts(racing, db, requests, 100, 1_000));
    expect(outcomes.map((o) => (o.ok ? [o.mark.userId, o.mark.readSeq, o.mark.moved] : o.error.code))).toEqual(['forbidden', ['e3', 1, true]]);
    const log = await store.db.selectFrom('receipt_log').select(['user_id', 'kind']).where('chat_id', '=', chatId).orderBy('kind').execute();
    expect(log).toEqual([{ user_id: 'e3', kind: 'delivered' }, { user_id: 'e3', kind: 'read' }]);
  });
});

describe('PostgreSQL store', () => {
  it('a send another node stores between this batch\'s lookup and its insert is found on the rerun: one row, no seq skipped', async () => {
    const dir = tempDir();
    const url = (await clusterEnv(dir)).DATABASE_URL!;
    const [nodeA, nodeB] = [await openPostgresStore(url, log), await openPostgresStore(url, log)];
    opened.push(nodeA, nodeB);
    const chatId = await seedChat(nodeA, ['r1', 'r2']);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    const stored = new Promise<void>((resolve) => (appended = resolve));
    const first = nodeA.transaction(async (trx) => {
      const outcomes = await appendMessages(nodeA, trx, [send(chatId, 'r1', 'hi', 'same')]);
      appended();
      await held; // committed only once B has looked up (finding nothing) and waits on A's locks
      return outcomes;
    });
    await stored;
    let attempts = 0;
    const second = withRetry(() => (attempts++, storeSends(nodeB, [send(chatId, 'r1', 'hi', 'same')])), isUniqueViolation, 3, 1);
    try {
      for (let waited = 0; ; waited += 10) {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(nodeA.db);
        if (rows[0]!.n > 0) break;
        if (waited > 5000) throw new Error('the second batch never waited on the first');
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      release();
    }
    const [[a], [b]] = await Promise.all([first, second]);
    expect(a!.ok && b!.ok).toBe(true);
    if (!a!.ok || !b!.ok) return;
    expect(attempts).toBe(2);
    expect(b!.row).toEqual(a!.row);
    expect(b!.fresh).toBe(false);
    const chat = await nodeB.db.selectFrom('chats').select('last_seq').where('id', '=', chatId).executeTakeFirstOrThrow();
    expect(Number(chat.last_seq)).toBe(1);
  });

  it('two nodes raising the same members\' cursors at once log ranges that tile 1..n with no overlap, and lose no raise', async () => {
    const url = (await clusterEnv(tempDir())).DATABASE_URL!;
    const nodes = [await openPostgresStore(url, log), await openPostgresStore(url, log)];
    opened.push(...nodes);
    const readers = ['t2', 't3', 't4', 't5'];
    const chatId = await seedChat(nodes[0]!, ['t1', ...readers]);
    const n = 60;
    await storeSends(nodes[0]!, Array.from({ length: n }, (_, i) => send(chatId, 't1', `m${i}`)));
    // Every seq raised once, alternately on each node, all in flight together: each batch's lookup
    // sees cursors that other batches move before its raise.
    const outcomes = await Promise.all(Array.from({ length: n }, (_, i) => {
      const node = nodes[i % 2]!;
      const requests = readers.map((userId) => ({ caller: { userId, deviceId: 'd' }, chatId, seq: i + 1, status: (i % 3 === 0 ? 'delivered' : 'read') as 'delivered' | 'read' }));
      return node.receiptTransaction((db) => applyReceipts(node, db, requests, 100, Date.now()));
    }));
    expect(outcomes.flat().every((o) => o.ok)).toBe(true);
    const rows = await nodes[1]!.db.selectFrom('receipt_log').select(['user_id', 'kind', 'from_seq', 'to_seq']).where('chat_id', '=', chatId).execute();
    const readTo = n - ((n - 1) % 3 === 0 ? 1 : 0);
    for (const userId of readers) {
      for (const [kind, to] of [['delivered', n], ['read', readTo]] as const) {
        const ranges = rows.filter((r) => r.user_id === userId && r.kind === kind).map((r) => [Number(r.from_seq), Number(r.to_seq)]).sort((a, b) => a[0]! - b[0]!);
        let next = 1;
        for (const [from, upTo] of ranges) {
          expect([userId, kind, from]).toEqual([userId, kind, next]);
          next = upTo! + 1;
        }
        expect([userId, kind, next - 1]).toEqual([userId, kind, to]);
      }
    }
    const stored = await nodes[0]!.db.selectFrom('chat_members').select(['last_delivered_seq', 'last_read_seq']).where('chat_id', '=', chatId).where('user_id', 'in', readers).execute();
    expect(stored.map((r) => [Number(r.last_delivered_seq), Number(r.last_read_seq)])).toEqual(readers.map(() => [n, readTo]));
  });

  it.each([
    [true, [['append', 3], ['lookup', 3], ['receipt lookup', 2], ['receipt raise', 2]]],
    [false, []],
  ])('with preparedStatements %s, prepares the message and receipt paths\' statements once per connection whatever the batch, and nothing else', async (preparedStatements, prepared) => {
    // One connection, so every statement below runs in the session pg_prepared_statements shows.
    const store = await openPostgresStore((await clusterEnv(tempDir())).DATABASE_URL!, log, { poolSize: 1, preparedStatements });
    opened.push(store);
    const chatId = await seedChat(store, ['p1', 'p2', 'p3']);
    for (const size of [1, 3, 7]) {
      const outcomes = await storeSends(store, Array.from({ length: size }, (_, i) => send(chatId, 'p1', `m${i}`, `k${size}.${i}`)));
      expect(outcomes.every((o) => o.ok)).toBe(true);
    }
    for (const readers of [['p2'], ['p2', 'p3']]) {
      const requests = readers.map((userId) => ({ caller: { userId, deviceId: 'd' }, chatId, seq: 10, status: 'read' as const }));
      const outcomes = await store.receiptTransaction((db) => applyReceipts(store, db, requests, 100, Date.now()));
      expect(outcomes.every((o) => o.ok)).toBe(true);
    }
    const { rows } = await sql<{ statement: string; calls: number }>`SELECT statement, generic_plans + custom_plans AS calls FROM pg_prepared_statements`.execute(store.db);
    const kind = (text: string) =>
      text.includes('INSERT INTO messages') ? 'append' : text.includes('receipt_log') ? 'receipt raise' : text.includes('last_read_seq') ? 'receipt lookup' : 'lookup';
    // The lookup (chats and clientMsgIds: one text whatever the count) and the append, three batches
    // each; the receipt lookup and raise (pairs as arrays: one text whatever the count), two each.
    expect(rows.map((r) => [kind(r.statement), Number(r.calls)]).sort()).toEqual(prepared);
    const chat = await store.db.selectFrom('chats').select('last_seq').where('id', '=', chatId).executeTakeFirstOrThrow();
    expect(Number(chat.last_seq)).toBe(11);
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

  it('searchCaughtUp puts every message committed before it into the search index, once', async () => {
    const store = await open();
    const chatId = await seedChat(store, ['s1', 's2']);
    await storeSends(store, [send(chatId, 's1', 'zebra one'), send(chatId, 's2', 'zebra two')]);
    await Promise.all([store.searchCaughtUp(), store.searchCaughtUp()]);
    await store.searchCaughtUp();
    expect(await indexed(store, 'zebra')).toBe(2);
    // An edit of an indexed row replaces its words; one of a row not yet indexed goes in with its new text.
    await storeSends(store, [send(chatId, 's1', 'zebra three')]);
    await store.db.updateTable('messages').set({ content: 'okapi' }).where('chat_id', '=', chatId).where('seq', 'in', [1, 3]).execute();
    await store.searchCaughtUp();
    expect(await indexed(store, 'zebra')).toBe(1);
    expect(await indexed(store, 'okapi')).toBe(2);
  });

  it('indexes after a restart the messages a stopped process stored but had not indexed', async () => {
    const dir = tempDir();
    const first = await open(dir);
    const chatId = await seedChat(first, ['r1', 'r2']);
    await storeSends(first, [send(chatId, 'r1', 'narwhal one')]);
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    // As if the process had died between a message commit and the next indexing pass.
    const raw = new SQLite(path.join(dir, 'parley.db'));
    raw.prepare('UPDATE messages_fts_state SET indexed_rowid = 0').run();
    raw.prepare("INSERT INTO messages_fts(messages_fts) VALUES ('delete-all')").run();
    raw.close();
    const second = await open(dir);
    await second.searchCaughtUp();
    expect(await indexed(second, 'narwhal')).toBe(1);
  });

  it('keeps the write-ahead log bounded under a steady stream of commits', async () => {
    const dir = tempDir();
    const store = await open(dir);
    const chatId = await seedChat(store, ['w1', 'w2']);
    const text = 'x'.repeat(2000);
    // About 120 MB of pages through the WAL: far past the writer's 4,000-page (16 MB) checkpoint mark.
    // The WAL restarts only after a checkpoint that caught up, which races the next commit: its
    // high-water mark varies between runs (up to ~50 MB with the suite's other files on the same
    // cores, whose load slows the checkpointer's thread), but a WAL that never restarts would hold all 120 MB.
    for (let i = 0; i < 120; i++) {
      await storeSends(store, Array.from({ length: 500 }, (_, j) => send(chatId, 'w1', `${text} ${i}.${j}`)));
    }
    const walBytes = fs.statSync(path.join(dir, 'parley.db-wal')).size;
    expect(walBytes).toBeLessThan(80 * 1024 * 1024);
    const chat = await store.db.selectFrom('chats').select('last_seq').where('id', '=', chatId).executeTakeFirstOrThrow();
    expect(Number(chat.last_seq)).toBe(60_000);
  });

  it('flushes the disk once per write transaction, at its commit, and never for reads', async () => {
    const file = new SQLite(path.join(tempDir(), 'flush.db'));
    file.pragma('journal_mode = WAL');
    const dialect = new DurableSqliteDialect(file);
    const db = new Kysely<{ t: { n: number } }>({ dialect });
    await sql`CREATE TABLE t (n INTEGER)`.execute(db);
    const before = dialect.flushes;
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ n: 1 }).execute();
      await trx.insertInto('t').values({ n: 2 }).execute();
    });
    expect(dialect.flushes - before).toBe(1);
    await db.transaction().execute((trx) => trx.selectFrom('t').selectAll().execute());
    await db.selectFrom('t').selectAll().execute();
    expect(dialect.flushes - before).toBe(1);
    await db.insertInto('t').values({ n: 3 }).execute();
    expect(dialect.flushes - before).toBe(2);
    await db.destroy();
  });

  it('a write outside a transaction commits on its own: another connection sees it, and the commit after it', async () => {
    const dir = tempDir();
    const store = await open(dir);
    const chatId = await seedChat(store, ['v1', 'v2']);
    await store.db.updateTable('chats').set({ name: 'renamed' }).where('id', '=', chatId).execute();
    await storeSends(store, [send(chatId, 'v1', 'kept')]);
    // Another connection, as after a restart, sees both.
    const again = await open(dir);
    expect((await again.db.selectFrom('chats').select('name').where('id', '=', chatId).executeTakeFirstOrThrow()).name).toBe('renamed');
    expect((await again.db.selectFrom('messages').select('content').where('chat_id', '=', chatId).executeTakeFirstOrThrow()).content).toBe('kept');
  });
});
