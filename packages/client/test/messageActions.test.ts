import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore, ParleyClient, ParleyError, type Message } from '../src/index.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { uniqueName } from '../../server/test/support/api.js';
import { pngOf } from '../../server/test/support/media.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

async function signedUp(store?: MemoryStore): Promise<ParleyClient> {
  const client = new ParleyClient({ baseUrl: server.baseUrl, store });
  await client.register(uniqueName('act'), 'a long enough password');
  return client;
}

/** Collects `message` and `message.updated` events of a client. */
function watch(client: ParleyClient): { messages: Message[]; updates: Message[] } {
  const seen = { messages: [] as Message[], updates: [] as Message[] };
  client.on('message', (m) => seen.messages.push(m));
  client.on('message.updated', (m) => seen.updates.push(m));
  return seen;
}

describe('the SDK for rich messages', () => {
  it('uploads an image and sends it; the other side gets the media record with a working URL', async () => {
    const [alice, bob] = [await signedUp(), await signedUp()];
    const chat = await alice.openPrivateChat(bob.session!.user.id);
    await Promise.all([alice.connect(), bob.connect()]);
    const seen = watch(bob);

    const progress: number[] = [];
    const media = await alice.uploadMedia(new Blob([await pngOf(3)]), 'cat.png', { onProgress: (f) => progress.push(f) });
    expect(progress).toEqual([1]); // Node has no XMLHttpRequest: one report, when sent
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(alice.uploadMedia(new Blob([await pngOf(4)]), 'no.png', { signal: cancelled.signal })).rejects.toMatchObject({ code: 'network_error' });
    expect(media).toMatchObject({ kind: 'image', mime: 'image/png', width: 64, height: 48, name: 'cat.png' });
    const local = alice.send(chat.id, { type: 'image', content: 'a cat', media: { id: media.id } });
    const stored = await alice.sent(local.clientMsgId);
    expect(stored).toMatchObject({ type: 'image', content: 'a cat', media: { id: media.id, kind: 'image' } });
    await expect.poll(() => seen.messages.length).toBe(1);
    const image = await fetch(`${server.baseUrl}${seen.messages[0]!.media!.url}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect((await bob.media(media.id)).id).toBe(media.id);

    const where = alice.send(chat.id, { type: 'location', content: '', location: { lat: 52.52, lng: 13.405, name: 'Berlin' } });
    expect(await alice.sent(where.clientMsgId)).toMatchObject({ type: 'location', location: { lat: 52.52, lng: 13.405, name: 'Berlin' } });
    await Promise.all([alice.close(), bob.close()]);
  });

  it('refuses at once what the server would never take: no media, a location off the globe', async () => {
    const alice = await signedUp();
    expect(() => alice.send('any', { type: 'image', content: '' })).toThrow(ParleyError);
    expect(() => alice.send('any', { type: 'location', content: '', location: { lat: 91, lng: 0 } })).toThrow(/lat/);
    expect(() => alice.send('any', { type: 'location', content: '', location: { lat: 0, lng: -181 } })).toThrow(/lng/);
    expect(() => alice.send('any', { type: 'text', content: '  ' })).toThrow(/blank/);
    expect(alice.pending()).toEqual([]);
  });

  it('edits, reacts, deletes and forwards; live devices get message.updated, an offline one catches up on connect', async () => {
    const [alice, bob] = [await signedUp(), await signedUp()];
    const chat = await alice.openPrivateChat(bob.session!.user.id);
    const notes = await alice.createGroup('notes', []);
    await Promise.all([alice.connect(), bob.connect()]);
    const live = watch(bob);
    const sent = await Promise.all(['first', 'second', 'third'].map((text) => alice.sent(alice.send(chat.id, text).clientMsgId)));
    await expect.poll(() => live.messages.length).toBe(3);

    // A second device of bob's that was there for the messages, then went away.
    const laptopStore = new MemoryStore();
    const laptop = new ParleyClient({ baseUrl: server.baseUrl, store: laptopStore });
    laptop.session = bob.session!;
    const early = watch(laptop);
    await laptop.connect();
    await expect.poll(() => early.messages.length).toBe(3);
    await laptop.close();

    expect((await alice.editMessage(chat.id, sent[0]!.id, 'first, edited')).editedAt).toBeDefined();
    await bob.react(chat.id, sent[1]!.id, '👍');
    expect((await alice.deleteMessage(chat.id, sent[2]!.id, 'everyone')).deletedAt).toBeDefined();
    const forwarded = await alice.forward(chat.id, sent[1]!.id, notes.id);
    expect(forwarded).toMatchObject({ chatId: notes.id, content: 'second', forwarded: true });
    await expect.poll(() => live.updates.map((m) => m.id)).toEqual([sent[0]!.id, sent[1]!.id, sent[2]!.id]);
    expect(live.updates[0]).toMatchObject({ content: 'first, edited' });
    expect(live.updates[1]!.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [bob.session!.user.id] }]);
    expect(live.updates[2]).toMatchObject({ content: '' });
    expect(live.updates[2]!.deletedAt).toBeDefined();

    // Reconnecting from its store, the laptop gets each change once, and nothing it had again.
    const back = new ParleyClient({ baseUrl: server.baseUrl, store: laptopStore });
    const later = watch(back);
    await back.connect();
    await expect.poll(() => later.updates.map((m) => m.content)).toEqual(['first, edited', 'second', '']);
    expect(later.messages).toEqual([]);
    await back.close();
    // A third start from the same store has nothing left to catch up on.
    const again = new ParleyClient({ baseUrl: server.baseUrl, store: laptopStore });
    const last = watch(again);
    await again.connect();
    await new Promise((r) => setTimeout(r, 300));
    expect(last).toEqual({ messages: [], updates: [] });
    await Promise.all([again.close(), alice.close(), bob.close()]);
  });

  it('searches the chats the user is in, with highlights and a cursor', async () => {
    const [alice, bob] = [await signedUp(), await signedUp()];
    const chat = await alice.openPrivateChat(bob.session!.user.id);
    await alice.connect();
    const word = `zebra${Date.now().toString(36)}`;
    for (const text of [`one ${word}`, 'nothing here', `two ${word} ${word}`]) await alice.sent(alice.send(chat.id, text).clientMsgId);
    const first = await bob.search({ q: word, limit: 1 });
    expect(first.results).toHaveLength(1);
    expect(first.results[0]!.message.content).toBe(`two ${word} ${word}`);
    expect(first.results[0]!.highlights[0]).toEqual({ start: 4, end: 4 + word.length });
    const second = await bob.search({ q: word, limit: 1, cursor: first.nextCursor });
    expect(second.results.map((h) => h.message.content)).toEqual([`one ${word}`]);
    await expect(bob.search({ q: word, chatId: '00000000-0000-0000-0000-000000000000' })).rejects.toMatchObject({ status: 404 });
    await alice.close();
  });
});
