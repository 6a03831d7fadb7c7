import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { pushTestKit } from './support/pushes.js';
import { TestPushService, type Subscriber } from './support/pushService.js';
import { startServer, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

const GRACE_MS = 100;

let server: TestServer;
let pushService: TestPushService;
beforeAll(async () => {
  pushService = await TestPushService.start();
  server = await startServer({ PRESENCE_GRACE_MS: String(GRACE_MS), PUSH_INSECURE_ENDPOINTS: 'true' });
});
afterAll(async () => {
  await server.close();
  await pushService.close();
});

const user = () => registerUser(server.baseUrl);
const call = (u: TestUser, method: string, path: string, body?: unknown) => api(server.baseUrl, method, path, body, u.accessToken);
const { subscribe, sendText, pushesOf, disconnect } = pushTestKit(() => server, () => pushService, GRACE_MS);

async function react(u: TestUser, chatId: string, messageId: string, emoji: string): Promise<void> {
  expect((await call(u, 'POST', `/chats/${chatId}/messages/${messageId}/reactions`, { emoji })).status).toBe(200);
}

/** Everything handed to the notifier so far has been dispatched and sent: what has not come will not. */
async function settledPushes(sub: Subscriber): Promise<Subscriber['received']> {
  await server.parley.ctx.push.idle();
  return sub.received;
}

/** Alice's message in a private chat with Bob, and Alice's device subscribed. */
async function aliceWrote(text: string, subscription: Record<string, unknown> = {}) {
  const [alice, bob] = await Promise.all([user(), user()]);
  const chatId = await openPrivateChat(server.baseUrl, alice, bob);
  const sub = await subscribe(alice, subscription);
  const message = await sendText(alice, chatId, text);
  return { alice, bob, chatId, sub, message };
}

describe('reaction pushes', () => {
  it('the author, offline, hears who reacted, with what, to which message, under a topic apart from the chat’s messages', async () => {
    const { bob, chatId, sub, message } = await aliceWrote('see you at 8');
    await react(bob, chatId, message.id, '👍');
    const [push] = await pushesOf(sub, 1);
    expect(push!.payload).toEqual({
      type: 'reaction', chatId, chatType: 'private', messageId: message.id, seq: 1,
      sender: { id: bob.id, displayName: bob.username }, emoji: '👍', preview: 'see you at 8',
    });
    expect(push!.headers.urgency).toBe('high');

    // A push service keeps the newest push per topic: a reaction must not replace unread messages.
    await sendText(bob, chatId, 'see you');
    const [, messagePush] = await pushesOf(sub, 2);
    expect(messagePush!.payload).toMatchObject({ type: 'message', sender: { id: bob.id }, count: 1 });
    expect(messagePush!.headers.topic).not.toBe(push!.headers.topic);
  });

  it('in a group only the author is told, the group named; without previews their text stays out', async () => {
    const [alice, bob, carol] = await Promise.all([user(), user(), user()]);
    const chatId = await createGroup(server.baseUrl, alice, [bob, carol], 'Climbing');
    const aliceSub = await subscribe(alice, { previews: false });
    const carolSub = await subscribe(carol);
    const message = await sendText(alice, chatId, 'rope?');
    await pushesOf(carolSub, 1); // the message itself
    await react(bob, chatId, message.id, '🧗');
    const [push] = await pushesOf(aliceSub, 1);
    expect(push!.payload).toEqual({
      type: 'reaction', chatId, chatType: 'group', chatName: 'Climbing', messageId: message.id, seq: 1,
      sender: { id: bob.id, displayName: bob.username }, emoji: '🧗',
    });
    expect((await settledPushes(carolSub)).map((p) => p.payload.type)).toEqual(['message']);
  });

  it('reacting to your own message tells nobody', async () => {
    const { alice, bob, chatId, sub, message } = await aliceWrote('my own');
    await react(alice, chatId, message.id, '😂');
    expect(await settledPushes(sub)).toEqual([]);
    await react(bob, chatId, message.id, '😂');
    expect((await pushesOf(sub, 1)).map((p) => p.payload.sender.id)).toEqual([bob.id]);
  });

  it('a new emoji is told again; taking a reaction off, by the same emoji again or DELETE, is not', async () => {
    const { bob, chatId, sub, message } = await aliceWrote('lunch?');
    await react(bob, chatId, message.id, '👍');
    await pushesOf(sub, 1);
    await react(bob, chatId, message.id, '❤️'); // replaces the 👍
    await pushesOf(sub, 2);
    await react(bob, chatId, message.id, '❤️'); // toggled off
    expect(await settledPushes(sub)).toHaveLength(2);
    await react(bob, chatId, message.id, '👍');
    await pushesOf(sub, 3);
    expect((await call(bob, 'DELETE', `/chats/${chatId}/messages/${message.id}/reactions`)).status).toBe(200);
    expect((await settledPushes(sub)).map((p) => p.payload.emoji)).toEqual(['👍', '❤️', '👍']);
  });

  it('no push while the author has the chat muted; after unmuting, there is', async () => {
    const { alice, bob, chatId, sub, message } = await aliceWrote('quiet please');
    expect((await call(alice, 'PUT', `/chats/${chatId}/mute`, {})).status).toBe(200);
    await react(bob, chatId, message.id, '🤫');
    expect(await settledPushes(sub)).toEqual([]);
    expect((await call(alice, 'DELETE', `/chats/${chatId}/mute`)).status).toBe(200);
    await react(bob, chatId, message.id, '👍');
    expect((await pushesOf(sub, 1)).map((p) => p.payload.emoji)).toEqual(['👍']);
  });

  it('no push while the author is connected; once they are gone (grace period over), there is', async () => {
    const { alice, bob, chatId, sub, message } = await aliceWrote('are you online?');
    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    await react(bob, chatId, message.id, '👀');
    await socket.next((f) => f.type === 'message.updated', 10_000, true);
    expect(await settledPushes(sub)).toEqual([]);
    await disconnect(socket);
    await react(bob, chatId, message.id, '👋');
    expect((await pushesOf(sub, 1)).map((p) => p.payload.emoji)).toEqual(['👋']);
  });

  it('no push when the author has blocked the one who reacted; others’ reactions still come', async () => {
    const [alice, bob, carol] = await Promise.all([user(), user(), user()]);
    const chatId = await createGroup(server.baseUrl, alice, [bob, carol], 'Neighbours');
    const sub = await subscribe(alice);
    const message = await sendText(alice, chatId, 'party on Friday');
    expect((await call(alice, 'POST', `/contacts/${bob.id}/block`)).status).toBe(200);
    await react(bob, chatId, message.id, '🎉');
    expect(await settledPushes(sub)).toEqual([]);
    await react(carol, chatId, message.id, '🎉');
    expect((await pushesOf(sub, 1)).map((p) => p.payload.sender.id)).toEqual([carol.id]);
  });
});
