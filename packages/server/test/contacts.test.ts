import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { TestSocket } from './support/socket.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pair = async (): Promise<[TestUser, TestUser]> => [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];

const contactsOf = async (user: TestUser) => {
  const res = await api(server.baseUrl, 'GET', '/contacts', undefined, user.accessToken);
  expect(res.status).toBe(200);
  return res.body.contacts as Array<{ user: { id: string; username: string; displayName: string }; status: string; since: string }>;
};
/** The contact list reduced to "who: status". */
const statuses = async (user: TestUser) => (await contactsOf(user)).map((c) => `${c.user.id}:${c.status}`);

const add = (from: TestUser, to: TestUser) => api(server.baseUrl, 'POST', '/contacts', { userId: to.id }, from.accessToken);
const block = (from: TestUser, to: TestUser) => api(server.baseUrl, 'POST', `/contacts/${to.id}/block`, undefined, from.accessToken);
const unblock = (from: TestUser, to: TestUser) => api(server.baseUrl, 'DELETE', `/contacts/${to.id}/block`, undefined, from.accessToken);
const sendRest = (from: TestUser, chatId: string, content: string) =>
  api(server.baseUrl, 'POST', `/chats/${chatId}/messages`, { clientMsgId: crypto.randomUUID(), type: 'text', content }, from.accessToken);

/** A still-open socket answers a ping. */
async function stillOpen(socket: TestSocket): Promise<void> {
  socket.send({ type: 'ping' });
  await socket.next((f) => f.type === 'pong');
}

describe('contact requests', () => {
  it('adding someone is pending_outgoing for me and pending_incoming for them', async () => {
    const [alice, bob] = await pair();
    const res = await add(alice, bob);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { id: bob.id, username: bob.username, displayName: bob.username }, status: 'pending_outgoing', since: expect.any(String) });
    expect(new Date(res.body.since).toISOString()).toBe(res.body.since);

    expect(await contactsOf(alice)).toEqual([res.body]);
    const theirs = await contactsOf(bob);
    expect(theirs).toEqual([{ user: { id: alice.id, username: alice.username, displayName: alice.username }, status: 'pending_incoming', since: expect.any(String) }]);
  });

  it('adding twice changes nothing', async () => {
    const [alice, bob] = await pair();
    await add(alice, bob);
    const again = await add(alice, bob);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('pending_outgoing');
    expect(await statuses(alice)).toEqual([`${bob.id}:pending_outgoing`]);
    expect(await statuses(bob)).toEqual([`${alice.id}:pending_incoming`]);
  });

  it('accepting makes the contact accepted on both sides', async () => {
    const [alice, bob] = await pair();
    await add(alice, bob);
    const res = await api(server.baseUrl, 'POST', `/contacts/${alice.id}/accept`, undefined, bob.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { id: alice.id }, status: 'accepted' });
    expect(await statuses(alice)).toEqual([`${bob.id}:accepted`]);
    expect(await statuses(bob)).toEqual([`${alice.id}:accepted`]);
  });

  it('the requester cannot accept their own request, and there is nothing to accept without one (404)', async () => {
    const [alice, bob] = await pair();
    const nothing = await api(server.baseUrl, 'POST', `/contacts/${bob.id}/accept`, undefined, alice.accessToken);
    expect(nothing.status).toBe(404);
    expect(nothing.body.error.code).toBe('not_found');
    await add(alice, bob);
    const own = await api(server.baseUrl, 'POST', `/contacts/${bob.id}/accept`, undefined, alice.accessToken);
    expect(own.status).toBe(404);
    expect(await statuses(alice)).toEqual([`${bob.id}:pending_outgoing`]);
  });

  it('adding someone who already asked you accepts their request', async () => {
    const [alice, bob] = await pair();
    await add(alice, bob);
    const res = await add(bob, alice);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { id: alice.id }, status: 'accepted' });
    expect(await statuses(alice)).toEqual([`${bob.id}:accepted`]);
    expect(await statuses(bob)).toEqual([`${alice.id}:accepted`]);
  });

  it('removing a contact answers 204 and it is gone on both sides', async () => {
    const [alice, bob] = await pair();
    await add(alice, bob);
    await add(bob, alice);
    const res = await api(server.baseUrl, 'DELETE', `/contacts/${bob.id}`, undefined, alice.accessToken);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(await contactsOf(alice)).toEqual([]);
    expect(await contactsOf(bob)).toEqual([]);
    const again = await api(server.baseUrl, 'DELETE', `/contacts/${bob.id}`, undefined, alice.accessToken);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('not_found');
  });

  it('declining (removing) a pending request clears it for both', async () => {
    const [alice, bob] = await pair();
    await add(alice, bob);
    expect((await api(server.baseUrl, 'DELETE', `/contacts/${alice.id}`, undefined, bob.accessToken)).status).toBe(204);
    expect(await contactsOf(alice)).toEqual([]);
    expect(await contactsOf(bob)).toEqual([]);
  });

  it('adding yourself is 400 naming userId, an unknown user is 404', async () => {
    const alice = await registerUser(server.baseUrl);
    const self = await add(alice, alice);
    expect(self.status).toBe(400);
    expect(self.body.error.code).toBe('invalid_request');
    expect(self.body.error.message).toMatch(/^userId/);
    const unknown = await api(server.baseUrl, 'POST', '/contacts', { userId: '0190d0d0-0000-7000-8000-000000000000' }, alice.accessToken);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const missing = await api(server.baseUrl, 'POST', '/contacts', {}, alice.accessToken);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('userId');
    expect(await contactsOf(alice)).toEqual([]);
  });
});

describe('blocking', () => {
  it('POST /contacts/{userId}/block answers the contact with status blocked', async () => {
    const [alice, bob] = await pair();
    await add(alice, bob);
    await add(bob, alice);
    const res = await block(alice, bob);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { id: bob.id, username: bob.username, displayName: bob.username }, status: 'blocked', since: expect.any(String) });
    expect(await statuses(alice)).toEqual([`${bob.id}:blocked`]);
  });

  it("blocking voids the blocked user's pending request", async () => {
    const [alice, bob] = await pair();
    await add(bob, alice);
    await block(alice, bob);
    expect(await statuses(alice)).toEqual([`${bob.id}:blocked`]);
    expect(await statuses(bob)).toEqual([]);
  });

  it("a blocked user's contact request is refused with 403 blocked", async () => {
    const [alice, bob] = await pair();
    await block(alice, bob);
    const res = await add(bob, alice);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('blocked');
    expect(await statuses(alice)).toEqual([`${bob.id}:blocked`]);
    expect(await statuses(bob)).toEqual([]);
  });

  it('the blocker must unblock before adding the blocked user (409)', async () => {
    const [alice, bob] = await pair();
    await block(alice, bob);
    const res = await add(alice, bob);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(await statuses(alice)).toEqual([`${bob.id}:blocked`]);
  });

  it('blocking yourself is 400, blocking an unknown user is 404, unblocking without a block is 404', async () => {
    const [alice, bob] = await pair();
    const self = await block(alice, alice);
    expect(self.status).toBe(400);
    expect(self.body.error.code).toBe('invalid_request');
    const unknown = await api(server.baseUrl, 'POST', '/contacts/0190d0d0-0000-7000-8000-000000000000/block', undefined, alice.accessToken);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const notBlocked = await unblock(alice, bob);
    expect(notBlocked.status).toBe(404);
    expect(notBlocked.body.error.code).toBe('not_found');
  });

  it('neither side can open a private chat across a block (403 blocked)', async () => {
    const [alice, bob] = await pair();
    await block(alice, bob);
    for (const [from, to] of [[bob, alice], [alice, bob]] as const) {
      const res = await api(server.baseUrl, 'POST', '/chats/private', { userId: to.id }, from.accessToken);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('blocked');
    }
    const chats = await api(server.baseUrl, 'GET', '/users/me/chats', undefined, alice.accessToken);
    expect(chats.body.chats).toEqual([]);
  });

  it('an existing private chat refuses REST messages from either side while blocked', async () => {
    const [alice, bob] = await pair();
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    expect((await sendRest(bob, chatId, 'before the block')).status).toBe(201);
    await block(alice, bob);

    for (const from of [bob, alice]) {
      const res = await sendRest(from, chatId, 'during the block');
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('blocked');
    }
    // Reopening the existing chat is refused too.
    const reopen = await api(server.baseUrl, 'POST', '/chats/private', { userId: alice.id }, bob.accessToken);
    expect(reopen.status).toBe(403);
    expect(reopen.body.error.code).toBe('blocked');
    const history = await api(server.baseUrl, 'GET', `/chats/${chatId}/messages`, undefined, alice.accessToken);
    expect(history.body.messages.map((m: any) => m.content)).toEqual(['before the block']);
  });

  it('while blocked, neither side reacts to or edits a message of their private chat; taking a reaction off and deleting still work', async () => {
    const [alice, bob] = await pair();
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const fromBob = (await sendRest(bob, chatId, 'from bob')).body.message.id as string;
    const fromAlice = (await sendRest(alice, chatId, 'from alice')).body.message.id as string;
    const react = (who: TestUser, messageId: string, emoji: string) =>
      api(server.baseUrl, 'POST', `/chats/${chatId}/messages/${messageId}/reactions`, { emoji }, who.accessToken);
    const edit = (who: TestUser, messageId: string) =>
      api(server.baseUrl, 'PATCH', `/chats/${chatId}/messages/${messageId}`, { content: 'changed during the block' }, who.accessToken);
    expect((await react(alice, fromBob, '👍')).status).toBe(200);
    await block(bob, alice);

    for (const res of [await react(alice, fromBob, '❤️'), await react(bob, fromAlice, '👍'), await edit(bob, fromBob), await edit(alice, fromAlice)]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('blocked');
    }
    const off = await api(server.baseUrl, 'DELETE', `/chats/${chatId}/messages/${fromBob}/reactions`, undefined, alice.accessToken);
    expect(off.status).toBe(200);
    expect(off.body.message.reactions ?? []).toEqual([]);
    const history = await api(server.baseUrl, 'GET', `/chats/${chatId}/messages`, undefined, bob.accessToken);
    expect(history.body.messages.map((m: any) => [m.content, m.editedAt ?? null])).toEqual([['from bob', null], ['from alice', null]]);
    expect((await api(server.baseUrl, 'DELETE', `/chats/${chatId}/messages/${fromAlice}?for=everyone`, undefined, alice.accessToken)).status).toBe(200);

    await unblock(bob, alice);
    expect((await react(alice, fromBob, '❤️')).status).toBe(200);
    expect((await edit(bob, fromBob)).status).toBe(200);
  });

  it('an existing private chat refuses WebSocket sends from either side with an error frame, and the socket stays open', async () => {
    const [alice, bob] = await pair();
    const carol = await registerUser(server.baseUrl);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const otherChat = await openPrivateChat(server.baseUrl, bob, carol);
    const a = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const b = await TestSocket.connect(server.wsUrl, bob.accessToken);
    await block(bob, alice);

    for (const socket of [a, b]) {
      const clientMsgId = crypto.randomUUID();
      const reply = await socket.sendText(chatId, 'during the block', clientMsgId);
      expect(reply).toEqual({ type: 'error', ref: clientMsgId, error: { code: 'blocked', message: expect.any(String) } });
      await stillOpen(socket);
    }
    // Bob still talks to others on the same socket; nothing crossed the block.
    expect((await b.sendText(otherChat, 'hi carol')).type).toBe('ack');
    await sleep(100);
    expect(a.messages(chatId)).toEqual([]);
    expect(b.messages(chatId)).toEqual([]);
    a.close();
    b.close();
  });

  it('unblocking answers 204 and restores messaging over REST and WebSocket', async () => {
    const [alice, bob] = await pair();
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    await block(alice, bob);
    expect((await sendRest(bob, chatId, 'refused')).status).toBe(403);

    const res = await unblock(alice, bob);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(await statuses(alice)).toEqual([]);

    expect((await sendRest(bob, chatId, 'over REST')).status).toBe(201);
    const a = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const ack = await a.sendText(chatId, 'over the socket');
    expect(ack).toMatchObject({ type: 'ack', message: { chatId, seq: 2, content: 'over the socket' } });
    const reopened = await api(server.baseUrl, 'POST', '/chats/private', { userId: alice.id }, bob.accessToken);
    expect(reopened.status).toBe(200);
    expect(reopened.body.id).toBe(chatId);
    a.close();
  });

  it('a block between two users does not touch their shared groups or their other chats', async () => {
    const [alice, bob] = await pair();
    const carol = await registerUser(server.baseUrl);
    const withCarol = await openPrivateChat(server.baseUrl, bob, carol);
    const group = await createGroup(server.baseUrl, carol, [alice, bob], 'shared');
    await block(alice, bob);
    expect((await sendRest(bob, withCarol, 'still fine')).status).toBe(201);
    expect((await sendRest(bob, group, 'bob in the group')).status).toBe(201);
    expect((await sendRest(alice, group, 'alice in the group')).status).toBe(201);
  });
});
