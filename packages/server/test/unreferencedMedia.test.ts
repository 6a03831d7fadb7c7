import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { fetchMedia, filesUnder, pngOf, upload } from './support/media.js';
import { startServer, type TestServer } from './support/server.js';
import { removeUnreferencedUploads } from '../src/media/removeUnreferencedUploads.js';

// Unreferenced uploads expire after 2 s here, so one goes within a test.
const TTL_SEC = 2;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ MEDIA_UNREFERENCED_TTL_SEC: String(TTL_SEC) });
});
afterAll(() => server.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Time passing, not a race: every upload made before the call is older than the TTL when it resolves. */
const ttlPassed = () => sleep(TTL_SEC * 1000 + 50);
const sweep = () => server.parley.sweeper.run('media');
const call = (u: TestUser, method: string, p: string, body?: unknown) => api(server.baseUrl, method, p, body, u.accessToken);
const uploaded = async (u: TestUser, seed: number) => {
  const res = await upload(server.baseUrl, u.accessToken, await pngOf(seed), `${seed}.png`, 'image/png');
  expect(res.status).toBe(201);
  return res.body;
};
const sendImage = async (from: TestUser, chatId: string, mediaId: string) => {
  const res = await call(from, 'POST', `/chats/${chatId}/messages`, { clientMsgId: crypto.randomUUID(), type: 'image', content: '', media: { id: mediaId } });
  expect(res.status).toBe(201);
  return res.body.message;
};
/** The stored files (the image and its thumbnail) of these bytes, under DATA_DIR/media/blobs. */
const blobsOf = (sha256: string) => filesUnder(path.join(server.dataDir, 'media', 'blobs')).filter((f) => f.includes(sha256));
const contentStatus = async (media: { url: string }) => (await fetchMedia(server.baseUrl, media.url)).status;

describe('unreferenced uploads', () => {
  it('an upload never sent goes once older than MEDIA_UNREFERENCED_TTL_SEC, with its files; a fresh one stays', async () => {
    const alice = await registerUser(server.baseUrl);
    const old = await uploaded(alice, 301);
    expect(blobsOf(old.sha256)).toHaveLength(2);
    await ttlPassed();
    const fresh = await uploaded(alice, 302);

    const swept = await sweep();
    expect(swept.media).toBeGreaterThanOrEqual(1);
    expect(await contentStatus(old)).toBe(404);
    expect((await call(alice, 'GET', `/media/${old.id}`)).status).toBe(404);
    expect(blobsOf(old.sha256)).toEqual([]);
    expect(await contentStatus(fresh)).toBe(200);
    expect(blobsOf(fresh.sha256)).toHaveLength(2);
  });

  it('an upload whose message was deleted for everyone goes; one a sent message or a forward still holds stays', async () => {
    const [alice, bob, carol] = await Promise.all([registerUser(server.baseUrl), registerUser(server.baseUrl), registerUser(server.baseUrl)]);
    const withBob = await openPrivateChat(server.baseUrl, alice, bob);
    const bobWithCarol = await openPrivateChat(server.baseUrl, bob, carol);
    const [deleted, forwarded, kept] = [await uploaded(alice, 311), await uploaded(alice, 312), await uploaded(alice, 313)];
    const deletedMessage = await sendImage(alice, withBob, deleted.id);
    const forwardedMessage = await sendImage(alice, withBob, forwarded.id);
    await sendImage(alice, withBob, kept.id);
    const forward = await call(bob, 'POST', `/chats/${withBob}/messages/${forwardedMessage.id}/forward`, { toChatId: bobWithCarol });
    expect(forward.status).toBe(201);
    for (const m of [deletedMessage, forwardedMessage]) expect((await call(alice, 'DELETE', `/chats/${withBob}/messages/${m.id}?for=everyone`)).status).toBe(200);
    await ttlPassed();

    await sweep();
    expect(await contentStatus(deleted)).toBe(404);
    expect(blobsOf(deleted.sha256)).toEqual([]);
    const forCarol = await call(carol, 'GET', `/media/${forwarded.id}`);
    expect(forCarol.status).toBe(200);
    expect(await contentStatus(forCarol.body)).toBe(200);
    expect(blobsOf(forwarded.sha256)).toHaveLength(2);
    expect(await contentStatus(kept)).toBe(200);
    expect(blobsOf(kept.sha256)).toHaveLength(2);
  });

  it('keeps the files another upload of the same bytes still holds, until that one goes too', async () => {
    const [alice, bob] = await Promise.all([registerUser(server.baseUrl), registerUser(server.baseUrl)]);
    const first = await uploaded(alice, 321);
    await ttlPassed();
    const copy = await uploaded(bob, 321);
    expect(copy.sha256).toBe(first.sha256);

    await sweep();
    expect(await contentStatus(first)).toBe(404);
    expect(await contentStatus(copy)).toBe(200);
    expect(blobsOf(copy.sha256)).toHaveLength(2);

    await ttlPassed();
    await sweep();
    expect(await contentStatus(copy)).toBe(404);
    expect(blobsOf(copy.sha256)).toEqual([]);
  });

  it('leaves an upload that a send still in its transaction is storing a message with', async () => {
    const [alice, bob] = await Promise.all([registerUser(server.baseUrl), registerUser(server.baseUrl)]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const image = await uploaded(alice, 341);
    await ttlPassed();
    const { store } = server.parley.ctx;
    let sweeping: ReturnType<typeof sweep> | undefined;
    // What the send path does for one message, with the sweep started between its lookup and its insert.
    const keys = { chatIds: [chatId], clientMsgIds: [], replyTargets: [], mediaIds: [image.id] };
    await store.sendTransaction(keys, async (trx) => {
      const found = await store.lookUpSendBatch(trx, keys);
      expect(found.media.has(image.id)).toBe(true);
      sweeping = sweep();
      await sleep(300);
      await store.appendNumbered(trx, [{
        id: crypto.randomUUID(), chat_id: chatId, seq: 1, sender_id: alice.id, client_msg_id: null, type: 'image', content: '', reply_to: null,
        created_at: Date.now(), edited_at: null, deleted_at: null, media_id: image.id, location_lat: null, location_lng: null, location_name: null, forwarded: 0, change_seq: 0,
      }]);
    });
    await sweeping;

    const history = await call(bob, 'GET', `/chats/${chatId}/messages`);
    expect(history.body.messages.map((m: { media?: { id: string } }) => m.media?.id)).toEqual([image.id]);
    expect(await contentStatus(image)).toBe(200);
    expect(blobsOf(image.sha256)).toHaveLength(2);
  });

  it('an upload that found its bytes stored stores them again if a sweep deleted them before it committed', async () => {
    const [alice, bob] = await Promise.all([registerUser(server.baseUrl), registerUser(server.baseUrl)]);
    const old = await uploaded(alice, 351);
    await ttlPassed();
    const { ctx } = server.parley;
    const bytes = await pngOf(351);
    let copy: ReturnType<typeof upload> | undefined;
    await ctx.contentLocks.run(old.sha256, async () => {
      copy = upload(server.baseUrl, bob.accessToken, bytes, '351.png', 'image/png');
      await sleep(500); // Bob's upload has found the bytes stored and waits for this lock to commit its record.
      // What the sweep does to the old upload: its record, then (under this lock) its files.
      const removed = await ctx.store.transaction((trx) => removeUnreferencedUploads(trx, { ids: [old.id] }, ctx.store.kind));
      expect(removed).toHaveLength(1);
      for (const key of [removed[0]!.blob_key, removed[0]!.thumb_key!]) await ctx.blobs.delete(key);
      expect(blobsOf(old.sha256)).toEqual([]);
    });
    const res = await copy!;
    expect(res.status).toBe(201);
    expect(res.body.sha256).toBe(old.sha256);
    expect(await contentStatus(res.body)).toBe(200);
    expect(blobsOf(old.sha256)).toHaveLength(2);
  });

  it('a sweep keeps the bytes of an upload that an upload of the same bytes committed a record of meanwhile', async () => {
    const alice = await registerUser(server.baseUrl);
    const old = await uploaded(alice, 361);
    await ttlPassed();
    const { ctx } = server.parley;
    const oldRow = await ctx.store.db.selectFrom('media').selectAll().where('id', '=', old.id).executeTakeFirstOrThrow();
    let swept: ReturnType<typeof sweep> | undefined;
    const copyId = crypto.randomUUID();
    await ctx.contentLocks.run(old.sha256, async (db) => {
      swept = sweep();
      await sleep(500); // The sweep has deleted the old record and waits for this lock to delete the files.
      expect((await call(alice, 'GET', `/media/${old.id}`)).status).toBe(404);
      // What an upload of the same bytes commits under the lock.
      await db.insertInto('media').values({ ...oldRow, id: copyId, created_at: Date.now() }).execute();
    });
    await swept;

    expect(blobsOf(old.sha256)).toHaveLength(2);
    const copy = await call(alice, 'GET', `/media/${copyId}`);
    expect(copy.status).toBe(200);
    expect(await contentStatus(copy.body)).toBe(200);
  });

  it('sweeps more uploads than fit in one batch, passing over the ones messages hold', async () => {
    const alice = await registerUser(server.baseUrl);
    const db = server.parley.ctx.store.db;
    const at = Date.now() - 60_000;
    // Rows as uploads leave them (no files: deleting a missing one is a no-op); every third is in a message.
    const rows = Array.from({ length: 1200 }, (_, i) => {
      const sha256 = crypto.createHash('sha256').update(`${alice.id}-${i}`).digest('hex');
      return { id: `${alice.id}-${String(i).padStart(4, '0')}`, uploader_id: alice.id, kind: 'file' as const, mime: 'application/octet-stream', size: 1, sha256,
        blob_key: `${sha256.slice(0, 2)}/${sha256}`, name: null, width: null, height: null, duration_ms: null, thumb_key: null, thumb_width: null, thumb_height: null, preview: null, created_at: at + (i % 7) };
    });
    const held = rows.filter((_, i) => i % 3 === 0);
    const chatId = `sweep-${alice.id}`; // no such chat: only the reference matters here
    for (let i = 0; i < rows.length; i += 200) await db.insertInto('media').values(rows.slice(i, i + 200)).execute();
    for (let i = 0; i < held.length; i += 200) {
      await db.insertInto('messages').values(held.slice(i, i + 200).map((m, j) => ({
        chat_id: chatId, seq: i + j + 1, id: crypto.randomUUID(), sender_id: alice.id, client_msg_id: null, type: 'file', content: '', reply_to: null, created_at: at, edited_at: null, deleted_at: null, media_id: m.id,
      }))).execute();
    }

    const swept = await sweep();
    expect(swept.media).toBeGreaterThanOrEqual(800);
    const left = await db.selectFrom('media').select('id').where('uploader_id', '=', alice.id).orderBy('id').execute();
    expect(left.map((m) => m.id)).toEqual(held.map((m) => m.id));
  });

  it('runs by itself every SWEEP_INTERVAL_SEC', async () => {
    const own = await startServer({ MEDIA_UNREFERENCED_TTL_SEC: '0', SWEEP_INTERVAL_SEC: '1' });
    try {
      const alice = await registerUser(own.baseUrl);
      const res = await upload(own.baseUrl, alice.accessToken, await pngOf(331), 'gone.png', 'image/png');
      expect(res.status).toBe(201);
      const deadline = Date.now() + 10_000;
      // The record goes in the sweep's commit, the blobs after it and the count last: a 404 can come before either.
      const blobs = () => filesUnder(path.join(own.dataDir, 'media', 'blobs'));
      const counted = async () => /^parley_swept_total\{kind="blobs"\} 2$/m.test(await (await fetch(`${own.baseUrl}/metrics`)).text());
      while ((await fetchMedia(own.baseUrl, res.body.url)).status !== 404 || blobs().length > 0 || !(await counted())) {
        if (Date.now() > deadline) throw new Error(`the upload was not swept; blobs left: ${blobs().join(', ') || 'none'}`);
        await sleep(50);
      }
      expect(blobs()).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
