import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyClient, type ClientEvents } from '../src/index.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { createGroup, openPrivateChat, registerUser, type TestUser } from '../../server/test/support/api.js';

let server: TestServer;
const clients: ParleyClient[] = [];
beforeAll(async () => {
  server = await startServer({ TYPING_TTL_MS: '1000' });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

function clientFor(user: TestUser, options: { autoDeliver?: boolean } = {}): ParleyClient {
  const client = new ParleyClient({ baseUrl: server.baseUrl, ...options });
  client.session = { user: { id: user.id, username: user.username, displayName: user.username }, accessToken: user.accessToken, refreshToken: user.refreshToken };
  clients.push(client);
  return client;
}

function record<K extends keyof ClientEvents>(client: ParleyClient, type: K): Array<ClientEvents[K]> {
  const seen: Array<ClientEvents[K]> = [];
  client.on(type, (e) => seen.push(e));
  return seen;
}

describe('ticks, typing and presence', () => {
  it('moves an own message sending → sent → delivered → read from the other member cursors', async () => {
    const [alice, bob] = await Promise.all([registerUser(server.baseUrl, 'a'), registerUser(server.baseUrl, 'b')]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const a = clientFor(alice);
    const b = clientFor(bob, { autoDeliver: false });
    const statuses = record(a, 'status');
    await Promise.all([a.connect(), b.connect()]);
    await expect.poll(async () => (await a.chats()).length).toBe(1);

    const local = a.send(chatId, 'tick tock');
    expect(local.status).toBe('sending');
    const stored = await a.sent(local.clientMsgId);
    await expect.poll(() => statuses.map((s) => s.status)).toEqual(['sent']);

    b.markDelivered(chatId, stored.seq);
    await expect.poll(() => statuses.map((s) => s.status)).toEqual(['sent', 'delivered']);
    b.markRead(chatId, stored.seq);
    await expect.poll(() => statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(statuses.at(-1)).toMatchObject({ clientMsgId: local.clientMsgId, seq: stored.seq, id: stored.id });
    expect(a.statusOf(stored)).toBe('read');
  });

  it('counts a group message delivered only once every other member has it (auto-delivered on receipt)', async () => {
    const [alice, bob, carol] = await Promise.all(['a', 'b', 'c'].map((p) => registerUser(server.baseUrl, p)));
    const chatId = await createGroup(server.baseUrl, alice!, [bob!, carol!]);
    const a = clientFor(alice!);
    const b = clientFor(bob!);
    const statuses = record(a, 'status');
    await Promise.all([a.connect(), b.connect()]);
    await expect.poll(async () => (await a.chats()).length).toBe(1);

    const stored = await a.sent(a.send(chatId, 'hello group').clientMsgId);
    await expect.poll(() => b.cursor(chatId)).toBe(stored.seq);
    await new Promise((r) => setTimeout(r, 500)); // Bob's receipt is in; Carol has not connected.
    expect(statuses.map((s) => s.status)).toEqual(['sent']);

    const c = clientFor(carol!);
    await c.connect();
    await expect.poll(() => statuses.map((s) => s.status)).toEqual(['sent', 'delivered']);
  });

  it('passes typing indicators and presence changes to the app', async () => {
    const [alice, bob] = await Promise.all([registerUser(server.baseUrl, 'a'), registerUser(server.baseUrl, 'b')]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const a = clientFor(alice);
    const b = clientFor(bob);
    const typing = record(b, 'typing');
    const presence = record(b, 'presence');
    await b.connect();
    await a.connect();
    await expect.poll(() => presence).toContainEqual(expect.objectContaining({ userId: alice.id, status: 'online' }));

    a.startTyping(chatId);
    a.startTyping(chatId); // Throttled: one `start` on the wire.
    await expect.poll(() => typing).toEqual([{ chatId, userId: alice.id, state: 'start' }]);
    a.stopTyping(chatId);
    await expect.poll(() => typing.map((t) => t.state)).toEqual(['start', 'stop']);
  });
});
