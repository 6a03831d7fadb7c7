import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, loginDevice, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { TestSocket } from './support/socket.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const seqsOf = (messages: Array<{ seq: number }>) => messages.map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('two users chatting', () => {
  it('delivers a message to the recipient and acks the sender after storing it', async () => {
    const [alice, bob] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const a = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const b = await TestSocket.connect(server.wsUrl, bob.accessToken);

    const ack = await a.sendText(chatId, 'hi bob', 'cm-1');
    expect(ack).toMatchObject({ type: 'ack', clientMsgId: 'cm-1', message: { chatId, seq: 1, senderId: alice.id, type: 'text', content: 'hi bob', clientMsgId: 'cm-1' } });
    expect(ack.message.id).toEqual(expect.any(String));
    expect(new Date(ack.message.createdAt).toISOString()).toBe(ack.message.createdAt);

    const received = await b.next((f) => f.type === 'message', 5000, true);
    expect(received.message).toEqual(ack.message);

    const reply = await b.sendText(chatId, 'hello alice');
    expect(reply.message.seq).toBe(2);
    expect((await a.next((f) => f.type === 'message', 5000, true)).message.content).toBe('hello alice');

    // Acked means stored: history has both, in order.
    const history = await api(server.baseUrl, 'GET', `/chats/${chatId}/messages`, undefined, bob.accessToken);
    expect(history.status).toBe(200);
    expect(history.body.messages.map((m: any) => m.content)).toEqual(['hi bob', 'hello alice']);
    a.close();
    b.close();
  });

  it("sends to the sender's other devices but not back to the sending one", async () => {
    const [alice, bob] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const alicePhone = await loginDevice(server.baseUrl, alice, 'phone');
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const laptop = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const phone = await TestSocket.connect(server.wsUrl, alicePhone.accessToken);

    const ack = await laptop.sendText(chatId, 'from the laptop');
    const onPhone = await phone.next((f) => f.type === 'message', 5000, true);
    expect(onPhone.message.id).toBe(ack.message.id);
    await phone.sendText(chatId, 'sync check');
    await laptop.next((f) => f.type === 'message', 5000, true);
    expect(laptop.messages().map((m) => m.content)).toEqual(['sync check']);
    laptop.close();
    phone.close();
  });

  it('two sockets with the same session both stay in sync', async () => {
    const [alice, bob] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const tab1 = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const tab2 = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const ack = await tab1.sendText(chatId, 'from tab 1');
    expect((await tab2.next((f) => f.type === 'message', 5000, true)).message.id).toBe(ack.message.id);
    tab1.close();
    tab2.close();
  });

  it('REST send reaches every connected device and shares idempotency with the socket', async () => {
    const [alice, bob] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const a = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const b = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const res = await api(server.baseUrl, 'POST', `/chats/${chatId}/messages`, { clientMsgId: 'rest-1', type: 'text', content: 'over REST' }, alice.accessToken);
    expect(res.status).toBe(201);
    expect(res.body.message).toMatchObject({ seq: 1, content: 'over REST', clientMsgId: 'rest-1' });
    await a.next((f) => f.type === 'message', 5000, true);
    await b.next((f) => f.type === 'message', 5000, true);

    const again = await api(server.baseUrl, 'POST', `/chats/${chatId}/messages`, { clientMsgId: 'rest-1', type: 'text', content: 'over REST' }, alice.accessToken);
    expect(again.body.message).toEqual(res.body.message);
    const viaSocket = await a.sendText(chatId, 'over REST', 'rest-1');
    expect(viaSocket.message).toEqual(res.body.message);
    const history = await api(server.baseUrl, 'GET', `/chats/${chatId}/messages`, undefined, bob.accessToken);
    expect(history.body.messages).toHaveLength(1);
    a.close();
    b.close();
  });
});

describe('replies', () => {
  it('a reply names a message of the same chat; anything else is refused', async () => {
    const [alice, bob, carol] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const otherChat = await openPrivateChat(server.baseUrl, alice, carol);
    const a = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const original = (await a.sendText(chatId, 'question?')).message;
    const elsewhere = (await a.sendText(otherChat, 'other chat')).message;
    const reply = async (replyTo: string, clientMsgId: string) => {
      const pending = a.next((f) => f.ref === clientMsgId || f.clientMsgId === clientMsgId);
      a.send({ type: 'send', clientMsgId, chatId, message: { type: 'text', content: 'answer', replyTo } });
      return pending;
    };
    expect((await reply(original.id, 'r1')).message).toMatchObject({ replyTo: original.id, seq: 2 });
    expect(await reply(elsewhere.id, 'r2')).toMatchObject({ type: 'error', ref: 'r2', error: { code: 'invalid_request' } });
    expect(await reply('no-such-id', 'r3')).toMatchObject({ type: 'error', ref: 'r3', error: { code: 'invalid_request' } });
    a.close();
  });
});

describe('groups', () => {
  it('a group of five: every member gets every message in the same order', async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < 5; i++) users.push(await registerUser(server.baseUrl, 'g'));
    const chatId = await createGroup(server.baseUrl, users[0]!, users.slice(1), 'five');
    const sockets = await Promise.all(users.map((u) => TestSocket.connect(server.wsUrl, u.accessToken)));
    for (let round = 0; round < 3; round++) {
      await Promise.all(sockets.map((s, i) => s.sendText(chatId, `round ${round} from ${i}`)));
    }
    for (const [i, s] of sockets.entries()) {
      // Each socket sees the 12 messages of the others as `message` frames, and its own 3 as acks.
      const got = await s.waitForCount((f) => f.type === 'message', 12);
      const acks = s.frames.filter((f) => f.type === 'ack').map((f) => f.message);
      const all = [...got.map((f) => f.message), ...acks].sort((x, y) => x.seq - y.seq);
      expect(seqsOf(all)).toEqual(range(1, 15));
      expect(got.every((f) => f.message.senderId !== users[i]!.id)).toBe(true);
    }
    sockets.forEach((s) => s.close());
  });

  it('10 senders x 100 concurrent messages: every member sees seq 1..1000 gapless, in one order', async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < 10; i++) users.push(await registerUser(server.baseUrl, 'c'));
    const watcher = await registerUser(server.baseUrl, 'w');
    const chatId = await createGroup(server.baseUrl, users[0]!, [...users.slice(1), watcher], 'busy');
    const senders = await Promise.all(users.map((u) => TestSocket.connect(server.wsUrl, u.accessToken)));
    const watch = await TestSocket.connect(server.wsUrl, watcher.accessToken);

    // Fire all 1,000 at once, without waiting for acks.
    const acks = senders.flatMap((s, i) => Array.from({ length: 100 }, (_, n) => s.sendText(chatId, `${i}:${n}`)));
    const acked = await Promise.all(acks);
    expect(acked.every((f) => f.type === 'ack')).toBe(true);
    expect(seqsOf(acked.map((f) => f.message)).sort((x, y) => x - y)).toEqual(range(1, 1000));

    const seen = (await watch.waitForCount((f) => f.type === 'message', 1000)).map((f) => f.message);
    expect(seqsOf(seen)).toEqual(range(1, 1000)); // arrival order is seq order
    // Each sender's own messages keep the order it sent them in.
    for (let i = 0; i < 10; i++) {
      const mine = seen.filter((m) => m.content.startsWith(`${i}:`)).map((m) => Number(m.content.split(':')[1]));
      expect(mine).toEqual(range(0, 99));
    }
    const byId = new Map(seen.map((m) => [m.id, m.seq]));
    for (const s of senders) {
      for (const m of s.messages()) expect(byId.get(m.id)).toBe(m.seq);
    }
    const page = await api(server.baseUrl, 'GET', `/chats/${chatId}/messages?after=0&limit=200`, undefined, watcher.accessToken);
    expect(seqsOf(page.body.messages)).toEqual(range(1, 200));
    expect(page.body.hasMore).toBe(true);
    [...senders, watch].forEach((s) => s.close());
  });
});

describe('idempotent sends', () => {
  it('resending the same clientMsgId returns the first message and stores one', async () => {
    const [alice, bob] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const b = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const first = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const clientMsgId = crypto.randomUUID();
    const ack1 = await first.sendText(chatId, 'once', clientMsgId);
    first.close();
    // A reconnect resends it, twice in one burst for good measure.
    const second = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const [ack2, ack3] = await Promise.all([second.sendText(chatId, 'once', clientMsgId), second.sendText(chatId, 'once', clientMsgId)]);
    expect(ack2.message).toEqual(ack1.message);
    expect(ack3.message).toEqual(ack1.message);
    const history = await api(server.baseUrl, 'GET', `/chats/${chatId}/messages`, undefined, alice.accessToken);
    expect(history.body.messages).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(b.messages()).toHaveLength(1);
    second.close();
    b.close();
  });
});

describe('catch-up', () => {
  it('a device offline for 200 messages across 5 chats gets exactly those, in order', async () => {
    const bob = await registerUser(server.baseUrl, 'bob');
    const others: TestUser[] = [];
    for (let i = 0; i < 5; i++) others.push(await registerUser(server.baseUrl, 'o'));
    const chatIds = await Promise.all(others.map((o) => openPrivateChat(server.baseUrl, o, bob)));

    // Bob is current on every chat with 3 messages each, then goes offline.
    const bobSocket = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const senders = await Promise.all(others.map((o) => TestSocket.connect(server.wsUrl, o.accessToken)));
    for (let i = 0; i < 5; i++) for (let n = 0; n < 3; n++) await senders[i]!.sendText(chatIds[i]!, `before ${n}`);
    await bobSocket.waitForCount((f) => f.type === 'message', 15);
    const cursors = Object.fromEntries(chatIds.map((id) => [id, 3]));
    bobSocket.close();
    await bobSocket.closed;

    await Promise.all(senders.map((s, i) => Promise.all(Array.from({ length: 40 }, (_, n) => s.sendText(chatIds[i]!, `missed ${n}`)))));

    const back = await TestSocket.connect(server.wsUrl, bob.accessToken);
    back.send({ type: 'sync', cursors });
    const synced = await back.next((f) => f.type === 'synced');
    expect(synced.chats).toHaveLength(5);
    let total = 0;
    for (const chat of synced.chats) {
      expect(chatIds).toContain(chat.chatId);
      expect(chat.hasMore).toBe(false);
      expect(seqsOf(chat.messages)).toEqual(range(4, 43));
      expect(chat.messages.map((m: any) => m.content)).toEqual(Array.from({ length: 40 }, (_, n) => `missed ${n}`));
      total += chat.messages.length;
    }
    expect(total).toBe(200);

    // Paged catch-up: a small limit says hasMore and resumes gaplessly from the new cursor.
    back.send({ type: 'sync', cursors: { ...cursors }, limit: 25 });
    const firstPage = await back.next((f) => f.type === 'synced');
    const chat0 = firstPage.chats.find((c: any) => c.chatId === chatIds[0]);
    expect(chat0.hasMore).toBe(true);
    expect(seqsOf(chat0.messages)).toEqual(range(4, 28));
    back.send({ type: 'sync', cursors: { ...cursors, [chatIds[0]!]: 28 }, limit: 25 });
    const secondPage = await back.next((f) => f.type === 'synced');
    const rest = secondPage.chats.find((c: any) => c.chatId === chatIds[0]);
    expect(seqsOf(rest.messages)).toEqual(range(29, 43));
    expect(rest.hasMore).toBe(false);

    // Current on everything: nothing to send.
    back.send({ type: 'sync', cursors: Object.fromEntries(chatIds.map((id) => [id, 43])) });
    expect((await back.next((f) => f.type === 'synced')).chats).toEqual([]);
    [back, ...senders].forEach((s) => s.close());
  });
});

describe('history', () => {
  it('pages back with before, forward with after, newest page by default', async () => {
    const [alice, bob] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const a = await TestSocket.connect(server.wsUrl, alice.accessToken);
    await Promise.all(Array.from({ length: 120 }, (_, n) => a.sendText(chatId, `m${n + 1}`)));
    const get = (q: string) => api(server.baseUrl, 'GET', `/chats/${chatId}/messages${q}`, undefined, bob.accessToken);

    const newest = await get('?limit=50');
    expect(seqsOf(newest.body.messages)).toEqual(range(71, 120));
    expect(newest.body.hasMore).toBe(true);
    const older = await get('?limit=50&before=71');
    expect(seqsOf(older.body.messages)).toEqual(range(21, 70));
    const oldest = await get('?limit=50&before=21');
    expect(seqsOf(oldest.body.messages)).toEqual(range(1, 20));
    expect(oldest.body.hasMore).toBe(false);
    const forward = await get('?after=100');
    expect(seqsOf(forward.body.messages)).toEqual(range(101, 120));
    expect((await get('?limit=0')).status).toBe(400);
    expect((await get('?limit=abc')).body.error.code).toBe('invalid_request');
    expect((await get('?before=5&after=10')).status).toBe(400);
    // Rows come only with membership; an empty page still tells a member from a stranger.
    expect((await get('?before=1')).body).toEqual({ messages: [], hasMore: false });
    const stranger = await registerUser(server.baseUrl);
    for (const q of ['?limit=50', '?before=1']) {
      const res = await api(server.baseUrl, 'GET', `/chats/${chatId}/messages${q}`, undefined, stranger.accessToken);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await api(server.baseUrl, 'GET', '/chats/no-such-chat/messages', undefined, bob.accessToken)).status).toBe(404);
    a.close();
  });
});
