import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const users = (n: number) => Promise.all(Array.from({ length: n }, () => registerUser(server.baseUrl)));
const text = async (from: TestUser, chatId: string, content: string) => {
  const res = await api(server.baseUrl, 'POST', `/chats/${chatId}/messages`, { clientMsgId: crypto.randomUUID(), type: 'text', content }, from.accessToken);
  expect(res.status).toBe(201);
  return res.body.message;
};
const search = (user: TestUser, params: Record<string, string | number>) =>
  api(server.baseUrl, 'GET', `/search?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`, undefined, user.accessToken);
const ids = (res: { body: { results: Array<{ message: { id: string } }> } }) => res.body.results.map((r) => r.message.id);
/** A word no other test file's messages contain, so results come only from this test. */
const word = () => `zq${crypto.randomBytes(4).toString('hex').replace(/\d/g, 'x')}`;

describe('full-text search', () => {
  it('finds messages by their words, with highlights at the matching offsets', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const w = word();
    const hit = await text(alice, chatId, `Dinner with ${w} at the harbour?`);
    await text(bob, chatId, 'nothing to see here');
    const res = await search(bob, { q: w });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(1);
    const [result] = res.body.results;
    expect(result.message).toMatchObject({ id: hit.id, chatId, content: hit.content });
    expect(result.highlights).toEqual([{ start: 12, end: 12 + w.length }]);
    expect(result.message.content.slice(result.highlights[0].start, result.highlights[0].end)).toBe(w);
    expect(res.body.nextCursor).toBeUndefined();
  });

  it('puts stored messages into the search index soon after they are sent, not only when someone searches', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const w = word();
    await text(alice, chatId, `${w} one`);
    await text(bob, chatId, `${w} two`);
    const { store } = server.parley.ctx;
    // What a searcher would find without waiting for the index: SQLite's index as it stands, PostgreSQL's on write.
    const indexed = async () => Number((await (store.kind === 'sqlite'
      ? sql<{ n: number }>`SELECT COUNT(*) AS n FROM messages_fts WHERE messages_fts MATCH ${w}`
      : sql<{ n: number }>`SELECT COUNT(*) AS n FROM messages WHERE to_tsvector('simple', content) @@ plainto_tsquery('simple', ${w})`).execute(store.db)).rows[0]!.n);
    const deadline = Date.now() + 5000;
    while ((await indexed()) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await indexed()).toBe(2);
  });

  it('needs every word, matches the last one as a prefix, and ignores case and punctuation', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const w = word();
    const both = await text(alice, chatId, `${w.toUpperCase()} meeting moved to Thursday`);
    await text(alice, chatId, `${w} lunch on Friday`);
    expect(ids(await search(alice, { q: `${w} thurs` }))).toEqual([both.id]);
    expect(ids(await search(alice, { q: `"${w}", MEETING!` }))).toEqual([both.id]);
    expect((await search(alice, { q: `${w} friday` })).body.results).toHaveLength(1);
    expect((await search(alice, { q: `${w} saturday` })).body.results).toEqual([]);
  });

  it('ranks messages that match more often first', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const w = word();
    const once = await text(alice, chatId, `${w} is mentioned once in this rather long sentence about many other things entirely`);
    const thrice = await text(alice, chatId, `${w} ${w} ${w}`);
    expect(ids(await search(alice, { q: w }))).toEqual([thrice.id, once.id]);
  });

  it('pages with a cursor through every result exactly once', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const w = word();
    const sent = [];
    for (let i = 0; i < 12; i++) sent.push((await text(alice, chatId, `${w} number ${i}`)).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await search(alice, { q: w, limit: 5, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      seen.push(...ids(res));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...sent].sort());
    expect((await search(alice, { q: w, cursor: 'garbage' })).status).toBe(400);
  });

  it('filters by chat, and refuses a chat you are not in', async () => {
    const [alice, bob, carol] = await users(3);
    const withBob = await openPrivateChat(server.baseUrl, alice, bob);
    const withCarol = await openPrivateChat(server.baseUrl, alice, carol);
    const w = word();
    const inBob = await text(alice, withBob, `${w} for bob`);
    const inCarol = await text(alice, withCarol, `${w} for carol`);
    expect(ids(await search(alice, { q: w })).sort()).toEqual([inBob.id, inCarol.id].sort());
    expect(ids(await search(alice, { q: w, chatId: withCarol }))).toEqual([inCarol.id]);
    expect(ids(await search(bob, { q: w }))).toEqual([inBob.id]);
    expect((await search(bob, { q: w, chatId: withCarol })).status).toBe(403);
    expect((await search(bob, { q: w, chatId: 'nope' })).status).toBe(404);
  });

  it('does not search a chat you left', async () => {
    const [alice, bob, carol] = await users(3);
    const groupId = await createGroup(server.baseUrl, alice, [bob, carol]);
    const w = word();
    await text(alice, groupId, `${w} plans for the weekend`);
    expect((await search(carol, { q: w })).body.results).toHaveLength(1);
    expect((await api(server.baseUrl, 'POST', `/chats/${groupId}/leave`, undefined, carol.accessToken)).status).toBe(204);
    expect((await search(carol, { q: w })).body.results).toEqual([]);
    expect((await search(carol, { q: w, chatId: groupId })).status).toBe(403);
  });

  it('never finds deleted messages, finds edits by their new text, and hides what you deleted for yourself', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const [gone, edited, hidden] = [word(), word(), word()];
    const m1 = await text(alice, chatId, `${gone} secret code`);
    const m2 = await text(alice, chatId, `${edited} first draft`);
    const m3 = await text(alice, chatId, `${hidden} hello`);
    await api(server.baseUrl, 'DELETE', `/chats/${chatId}/messages/${m1.id}?for=everyone`, undefined, alice.accessToken);
    expect((await search(alice, { q: gone })).body.results).toEqual([]);
    expect((await search(bob, { q: 'secret code' })).body.results.filter((r: any) => r.message.id === m1.id)).toEqual([]);

    await api(server.baseUrl, 'PATCH', `/chats/${chatId}/messages/${m2.id}`, { content: `${edited} final version` }, alice.accessToken);
    expect((await search(bob, { q: `${edited} draft` })).body.results).toEqual([]);
    expect(ids(await search(bob, { q: `${edited} final` }))).toEqual([m2.id]);

    await api(server.baseUrl, 'DELETE', `/chats/${chatId}/messages/${m3.id}?for=me`, undefined, bob.accessToken);
    expect((await search(bob, { q: hidden })).body.results).toEqual([]);
    expect(ids(await search(alice, { q: hidden }))).toEqual([m3.id]);
  });

  it('refuses a query without letters or digits, and an empty one', async () => {
    const [alice] = await users(1);
    expect((await search(alice, { q: '!!! ---' })).status).toBe(400);
    const empty = await search(alice, { q: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/^q/);
  });
});
