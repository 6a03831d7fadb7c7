import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, loginDevice, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { TestSocket } from './support/socket.js';
import { startServer, tempDir, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const UNKNOWN_ID = '0190d0d0-0000-7000-8000-000000000000';
type Status = 'delivered' | 'read';
type Cursors = { deliveredSeq: number; readSeq: number };

const users = async (n: number, base = server.baseUrl): Promise<TestUser[]> => {
  const out: TestUser[] = [];
  for (let i = 0; i < n; i++) out.push(await registerUser(base));
  return out;
};
const send = async (from: TestUser, chatId: string, content: string, base = server.baseUrl) => {
  const res = await api(base, 'POST', `/chats/${chatId}/messages`, { clientMsgId: crypto.randomUUID(), type: 'text', content }, from.accessToken);
  expect(res.status).toBe(201);
  return res.body.message as { id: string; seq: number };
};
const mark = (user: TestUser, chatId: string, status: Status, seq: unknown, base = server.baseUrl) =>
  api(base, 'POST', `/chats/${chatId}/${status}`, { seq }, user.accessToken);
const receiptsOf = (user: TestUser, chatId: string, messageId: string, base = server.baseUrl) =>
  api(base, 'GET', `/chats/${chatId}/messages/${messageId}/receipts`, undefined, user.accessToken);
const chatAs = async (user: TestUser, chatId: string, base = server.baseUrl) => {
  const res = await api(base, 'GET', '/users/me/chats', undefined, user.accessToken);
  expect(res.status).toBe(200);
  return (res.body.chats as any[]).find((c) => c.id === chatId);
};
const wsMark = (socket: TestSocket, chatId: string, status: Status, seq: number) => socket.send({ type: 'receipt', chatId, seq, status });

const receiptFrames = (socket: TestSocket, chatId: string, userId?: string) =>
  socket.frames.filter((f) => f.type === 'receipt' && f.chatId === chatId && (!userId || f.userId === userId));
const waitReceipt = (socket: TestSocket, chatId: string, userId: string, c: Partial<Cursors>) =>
  socket.next((f) => f.type === 'receipt' && f.chatId === chatId && f.userId === userId &&
    (c.deliveredSeq === undefined || f.deliveredSeq === c.deliveredSeq) && (c.readSeq === undefined || f.readSeq === c.readSeq), 5000, true);
/** Frames published before this call have reached the socket once its pong is back (one socket, one order). */
const settle = async (socket: TestSocket) => {
  const pong = socket.next((f) => f.type === 'pong');
  socket.send({ type: 'ping' });
  await pong;
};
const errorsOn = (socket: TestSocket) => socket.frames.filter((f) => f.type === 'error');

/**
 * The sender's ticks, computed as a client would: member cursors from the chat, moved on by
 * every receipt frame this socket got. Delivered once every other member has delivered,
 * read once every other member has read.
 */
function statusSeenBy(socket: TestSocket, chat: { id: string; members: Array<{ userId: string } & Cursors> }, senderId: string, seq: number) {
  const cursors = new Map(chat.members.map((m) => [m.userId, { deliveredSeq: m.deliveredSeq, readSeq: m.readSeq }]));
  for (const f of receiptFrames(socket, chat.id)) {
    const c = cursors.get(f.userId)!;
    cursors.set(f.userId, { deliveredSeq: Math.max(c.deliveredSeq, f.deliveredSeq), readSeq: Math.max(c.readSeq, f.readSeq) });
  }
  const others = [...cursors].filter(([id]) => id !== senderId).map(([, c]) => c);
  if (others.every((c) => c.readSeq >= seq)) return 'read';
  if (others.every((c) => c.deliveredSeq >= seq)) return 'delivered';
  return 'sent';
}
const ids = (list: Array<{ userId: string }>) => list.map((e) => e.userId).sort();

describe('message status in a group of five', () => {
  it('goes sent → delivered → read only once every other member delivered, then read, on any of their devices', async () => {
    const [alice, bob, carol, dave, erin] = await users(5);
    const [alicePhone, bobLaptop] = [await loginDevice(server.baseUrl, alice, 'phone'), await loginDevice(server.baseUrl, bob, 'laptop')];
    const chatId = await createGroup(server.baseUrl, alice, [bob, carol, dave, erin], 'five');
    const aliceLaptopWs = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const alicePhoneWs = await TestSocket.connect(server.wsUrl, alicePhone.accessToken);
    const bobPhoneWs = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const bobLaptopWs = await TestSocket.connect(server.wsUrl, bobLaptop.accessToken);
    const carolWs = await TestSocket.connect(server.wsUrl, carol.accessToken);
    const sockets = [aliceLaptopWs, alicePhoneWs, bobPhoneWs, bobLaptopWs, carolWs];

    const snapshot = await chatAs(alice, chatId);
    expect(snapshot.members.map((m: any) => [m.deliveredSeq, m.readSeq])).toEqual(Array(5).fill([0, 0]));
    const ack = await aliceLaptopWs.sendText(chatId, 'who is coming on Saturday?');
    const { id: messageId, seq } = ack.message;
    expect(seq).toBe(1);
    const status = () => [statusSeenBy(aliceLaptopWs, snapshot, alice.id, seq), statusSeenBy(alicePhoneWs, snapshot, alice.id, seq)];
    const counts = async () => {
      const res = await receiptsOf(alice, chatId, messageId);
      expect(res.status).toBe(200);
      return res.body;
    };
    expect(status()).toEqual(['sent', 'sent']);
    expect(await counts()).toEqual({ messageId, seq: 1, recipientCount: 4, deliveredCount: 0, readCount: 0, deliveredTo: [], readBy: [] });

    // Delivered on one of Bob's two devices is delivered to Bob.
    await bobPhoneWs.next((f) => f.type === 'message', 5000, true);
    wsMark(bobPhoneWs, chatId, 'delivered', seq);
    expect(await waitReceipt(aliceLaptopWs, chatId, bob.id, { deliveredSeq: 1 })).toEqual({ type: 'receipt', chatId, userId: bob.id, deliveredSeq: 1, readSeq: 0 });
    expect(await waitReceipt(bobLaptopWs, chatId, bob.id, { deliveredSeq: 1 })).toEqual({ type: 'receipt', chatId, userId: bob.id, deliveredSeq: 1, readSeq: 0, unreadCount: 1 });
    await waitReceipt(alicePhoneWs, chatId, bob.id, { deliveredSeq: 1 });
    expect(status()).toEqual(['sent', 'sent']);

    wsMark(carolWs, chatId, 'delivered', seq);
    await waitReceipt(aliceLaptopWs, chatId, carol.id, { deliveredSeq: 1 });
    expect((await mark(dave, chatId, 'delivered', seq)).body).toEqual({ deliveredSeq: 1, readSeq: 0, unreadCount: 1 });
    await waitReceipt(alicePhoneWs, chatId, dave.id, { deliveredSeq: 1 });
    expect(status()).toEqual(['sent', 'sent']);
    expect(await counts()).toMatchObject({ recipientCount: 4, deliveredCount: 3, readCount: 0 });

    await mark(erin, chatId, 'delivered', seq);
    await waitReceipt(aliceLaptopWs, chatId, erin.id, { deliveredSeq: 1 });
    await waitReceipt(alicePhoneWs, chatId, erin.id, { deliveredSeq: 1 });
    expect(status()).toEqual(['delivered', 'delivered']);
    const delivered = await counts();
    expect(delivered).toMatchObject({ recipientCount: 4, deliveredCount: 4, readCount: 0, readBy: [] });
    expect(ids(delivered.deliveredTo)).toEqual(ids([bob, carol, dave, erin].map((u) => ({ userId: u.id }))));
    for (const entry of delivered.deliveredTo) expect(new Date(entry.at).toISOString()).toBe(entry.at);

    // Read by three of four is still only delivered.
    wsMark(bobLaptopWs, chatId, 'read', seq);
    expect(await waitReceipt(bobPhoneWs, chatId, bob.id, { readSeq: 1 })).toEqual({ type: 'receipt', chatId, userId: bob.id, deliveredSeq: 1, readSeq: 1, unreadCount: 0 });
    wsMark(carolWs, chatId, 'read', seq);
    await waitReceipt(aliceLaptopWs, chatId, carol.id, { readSeq: 1 });
    await mark(dave, chatId, 'read', seq);
    await waitReceipt(alicePhoneWs, chatId, dave.id, { readSeq: 1 });
    await waitReceipt(alicePhoneWs, chatId, bob.id, { readSeq: 1 });
    expect(status()).toEqual(['delivered', 'delivered']);
    const readBy3 = await counts();
    expect(readBy3).toMatchObject({ recipientCount: 4, deliveredCount: 4, readCount: 3 });
    expect(ids(readBy3.readBy)).toEqual(ids([bob, carol, dave].map((u) => ({ userId: u.id }))));

    await mark(erin, chatId, 'read', seq);
    await waitReceipt(aliceLaptopWs, chatId, erin.id, { readSeq: 1 });
    await waitReceipt(alicePhoneWs, chatId, erin.id, { readSeq: 1 });
    expect(status()).toEqual(['read', 'read']);
    expect(await counts()).toMatchObject({ recipientCount: 4, deliveredCount: 4, readCount: 4 });

    await Promise.all(sockets.map(settle));
    // The sender's devices saw every member's cursors move, in order, without anyone's unread count.
    const expected = [bob, carol, dave, erin].map((u) => `${u.id} 1/0`).concat([bob, carol, dave, erin].map((u) => `${u.id} 1/1`));
    for (const s of [aliceLaptopWs, alicePhoneWs]) {
      const frames = receiptFrames(s, chatId);
      expect(frames.map((f) => `${f.userId} ${f.deliveredSeq}/${f.readSeq}`)).toEqual(expected);
      expect(frames.every((f) => !('unreadCount' in f))).toBe(true);
    }
    // Each device hears of its own user's moves only from the other device (a receipt gets no answer).
    expect(receiptFrames(bobPhoneWs, chatId, bob.id).map((f) => [f.readSeq, f.unreadCount])).toEqual([[1, 0]]);
    expect(receiptFrames(bobLaptopWs, chatId, bob.id).map((f) => [f.readSeq, f.unreadCount])).toEqual([[0, 1]]);
    expect(receiptFrames(carolWs, chatId, carol.id)).toEqual([]);
    expect(receiptFrames(carolWs, chatId).map((f) => f.userId).sort()).toEqual([bob.id, bob.id, dave.id, dave.id, erin.id, erin.id].sort());
    for (const s of sockets) expect(errorsOn(s)).toEqual([]);
    sockets.forEach((s) => s.close());
  });

  it('the sender is not a recipient: their own receipts do not count, and the chat lists their cursors too', async () => {
    const [alice, bob] = await users(2);
    const chatId = await createGroup(server.baseUrl, alice, [bob], 'pair');
    const { id, seq } = await send(alice, chatId, 'mine');
    expect((await mark(alice, chatId, 'read', seq)).body).toEqual({ deliveredSeq: 1, readSeq: 1, unreadCount: 0 });
    expect((await receiptsOf(bob, chatId, id)).body).toEqual({ messageId: id, seq: 1, recipientCount: 1, deliveredCount: 0, readCount: 0, deliveredTo: [], readBy: [] });
    const members = (await chatAs(bob, chatId)).members;
    expect(members.find((m: any) => m.userId === alice.id)).toMatchObject({ deliveredSeq: 1, readSeq: 1 });
    expect(members.find((m: any) => m.userId === bob.id)).toMatchObject({ deliveredSeq: 0, readSeq: 0 });
  });
});

describe('unread badges across a user\'s devices', () => {
  it('reading on the phone clears the laptop\'s badge through a receipt frame, and both tokens list the same count', async () => {
    const [alice, bob] = await users(2);
    const bobLaptop = await loginDevice(server.baseUrl, bob, 'laptop');
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const phone = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const laptop = await TestSocket.connect(server.wsUrl, bobLaptop.accessToken);
    for (const text of ['one', 'two', 'three']) await send(alice, chatId, text);
    expect([(await chatAs(bob, chatId)).unreadCount, (await chatAs(bobLaptop, chatId)).unreadCount]).toEqual([3, 3]);

    wsMark(phone, chatId, 'read', 3);
    expect(await waitReceipt(laptop, chatId, bob.id, { readSeq: 3 })).toEqual({ type: 'receipt', chatId, userId: bob.id, deliveredSeq: 3, readSeq: 3, unreadCount: 0 });
    await settle(phone);
    expect(receiptFrames(phone, chatId)).toEqual([]);
    for (const token of [bob, bobLaptop]) {
      const chat = await chatAs(token, chatId);
      expect(chat.unreadCount).toBe(0);
      expect(chat.members.find((m: any) => m.userId === bob.id)).toMatchObject({ deliveredSeq: 3, readSeq: 3 });
    }

    await send(alice, chatId, 'four');
    await send(alice, chatId, 'five');
    await send(bob, chatId, 'my own message is never unread');
    wsMark(laptop, chatId, 'read', 4);
    expect(await waitReceipt(phone, chatId, bob.id, { readSeq: 4 })).toMatchObject({ unreadCount: 1 });
    expect([(await chatAs(bob, chatId)).unreadCount, (await chatAs(bobLaptop, chatId)).unreadCount]).toEqual([1, 1]);
    expect((await mark(bob, chatId, 'read', 6)).body).toEqual({ deliveredSeq: 6, readSeq: 6, unreadCount: 0 });
    // A REST receipt has no connection behind it, so every device hears of it.
    await waitReceipt(phone, chatId, bob.id, { readSeq: 6 });
    expect(await waitReceipt(laptop, chatId, bob.id, { readSeq: 6 })).toMatchObject({ unreadCount: 0 });
    phone.close();
    laptop.close();
  });
});

describe('cursors', () => {
  it('never move backwards, over REST or in a burst of frames', async () => {
    const [alice, bob] = await users(2);
    const bobLaptop = await loginDevice(server.baseUrl, bob, 'laptop');
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    for (let i = 1; i <= 6; i++) await send(alice, chatId, `m${i}`);
    const aliceWs = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const laptop = await TestSocket.connect(server.wsUrl, bobLaptop.accessToken);

    expect((await mark(bob, chatId, 'read', 3)).body).toEqual({ deliveredSeq: 3, readSeq: 3, unreadCount: 3 });
    await waitReceipt(aliceWs, chatId, bob.id, { readSeq: 3 });
    expect((await mark(bob, chatId, 'read', 1)).body).toEqual({ deliveredSeq: 3, readSeq: 3, unreadCount: 3 });
    expect((await mark(bob, chatId, 'delivered', 2)).body).toEqual({ deliveredSeq: 3, readSeq: 3, unreadCount: 3 });
    // A receipt that moves nothing is not published.
    await Promise.all([settle(aliceWs), settle(laptop)]);
    expect(receiptFrames(aliceWs, chatId)).toHaveLength(1);
    expect(receiptFrames(laptop, chatId)).toHaveLength(1);

    const phone = await TestSocket.connect(server.wsUrl, bob.accessToken);
    for (const [status, seq] of [['read', 5], ['read', 2], ['delivered', 1], ['read', 4], ['delivered', 6], ['read', 0]] as const) {
      wsMark(phone, chatId, status, seq);
    }
    await waitReceipt(laptop, chatId, bob.id, { deliveredSeq: 6, readSeq: 5 });
    await waitReceipt(aliceWs, chatId, bob.id, { deliveredSeq: 6, readSeq: 5 });
    await Promise.all([settle(aliceWs), settle(laptop), settle(phone)]);
    for (const seen of [receiptFrames(aliceWs, chatId), receiptFrames(laptop, chatId)]) {
      seen.forEach((f, i) => {
        if (i === 0) return;
        expect(f.deliveredSeq).toBeGreaterThanOrEqual(seen[i - 1]!.deliveredSeq);
        expect(f.readSeq).toBeGreaterThanOrEqual(seen[i - 1]!.readSeq);
      });
      expect(seen.at(-1)).toMatchObject({ deliveredSeq: 6, readSeq: 5 });
    }
    expect(errorsOn(phone)).toEqual([]);
    expect((await chatAs(alice, chatId)).members.find((m: any) => m.userId === bob.id)).toMatchObject({ deliveredSeq: 6, readSeq: 5 });
    expect((await chatAs(bob, chatId)).unreadCount).toBe(1);
    [aliceWs, laptop, phone].forEach((s) => s.close());
  });

  it('reading implies delivered, and delivered may run ahead of read', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const first = await send(alice, chatId, 'a');
    const second = await send(alice, chatId, 'b');
    await send(alice, chatId, 'c');
    const aliceWs = await TestSocket.connect(server.wsUrl, alice.accessToken);

    expect((await mark(bob, chatId, 'read', 2)).body).toEqual({ deliveredSeq: 2, readSeq: 2, unreadCount: 1 });
    expect(await waitReceipt(aliceWs, chatId, bob.id, { readSeq: 2 })).toEqual({ type: 'receipt', chatId, userId: bob.id, deliveredSeq: 2, readSeq: 2 });
    for (const message of [first, second]) {
      const receipts = (await receiptsOf(alice, chatId, message.id)).body;
      expect(receipts).toMatchObject({ recipientCount: 1, deliveredCount: 1, readCount: 1 });
      expect(receipts.deliveredTo).toEqual(receipts.readBy);
      expect(ids(receipts.readBy)).toEqual([bob.id]);
    }
    expect((await mark(bob, chatId, 'delivered', 3)).body).toEqual({ deliveredSeq: 3, readSeq: 2, unreadCount: 1 });
    expect((await mark(bob, chatId, 'read', 2)).body).toEqual({ deliveredSeq: 3, readSeq: 2, unreadCount: 1 });
    aliceWs.close();
  });
});

describe('chats above RECEIPTS_DETAIL_MAX', () => {
  let big: TestServer;
  beforeAll(async () => {
    big = await startServer({ RECEIPTS_DETAIL_MAX: '3' });
  });
  afterAll(() => big.close());

  it('give counts only and send receipt frames only to the reader\'s own devices', async () => {
    const [alice, bob, carol, dave] = await users(4, big.baseUrl);
    const bobLaptop = await loginDevice(big.baseUrl, bob, 'laptop');
    const groupId = await createGroup(big.baseUrl, alice, [bob, carol, dave], 'four is over three');
    const privateId = await openPrivateChat(big.baseUrl, alice, bob);
    const aliceWs = await TestSocket.connect(big.wsUrl, alice.accessToken);
    const carolWs = await TestSocket.connect(big.wsUrl, carol.accessToken);
    const phone = await TestSocket.connect(big.wsUrl, bob.accessToken);
    const laptop = await TestSocket.connect(big.wsUrl, bobLaptop.accessToken);
    const message = await send(alice, groupId, 'to many', big.baseUrl);
    await send(alice, privateId, 'to one', big.baseUrl);

    wsMark(phone, groupId, 'read', message.seq);
    expect(await waitReceipt(laptop, groupId, bob.id, { readSeq: 1 })).toEqual({ type: 'receipt', chatId: groupId, userId: bob.id, deliveredSeq: 1, readSeq: 1, unreadCount: 0 });
    expect((await mark(carol, groupId, 'delivered', 1, big.baseUrl)).body).toEqual({ deliveredSeq: 1, readSeq: 0, unreadCount: 1 });
    // The small chat on the same server still tells the other member.
    wsMark(phone, privateId, 'read', 1);
    await waitReceipt(aliceWs, privateId, bob.id, { readSeq: 1 });
    await Promise.all([aliceWs, carolWs, phone, laptop].map(settle));
    expect(receiptFrames(aliceWs, groupId)).toEqual([]);
    expect(receiptFrames(carolWs, groupId, bob.id)).toEqual([]);
    expect(receiptFrames(phone, groupId)).toEqual([]);

    const receipts = await receiptsOf(alice, groupId, message.id, big.baseUrl);
    expect(receipts.body).toEqual({ messageId: message.id, seq: 1, recipientCount: 3, deliveredCount: 2, readCount: 1 });
    const group = await chatAs(alice, groupId, big.baseUrl);
    expect(group.members).toHaveLength(4);
    for (const m of group.members) expect(Object.keys(m).sort()).toEqual(['displayName', 'joinedAt', 'role', 'userId', 'username']);
    const pair = await chatAs(alice, privateId, big.baseUrl);
    expect(pair.members.find((m: any) => m.userId === bob.id)).toMatchObject({ deliveredSeq: 1, readSeq: 1 });
    expect((await receiptsOf(alice, privateId, pair.lastMessage.id, big.baseUrl)).body.readBy.map((e: any) => e.userId)).toEqual([bob.id]);
    [aliceWs, carolWs, phone, laptop].forEach((s) => s.close());
  });
});

describe('refusals', () => {
  let alice: TestUser, bob: TestUser, outsider: TestUser, chatId: string, otherChat: string, messageId: string;
  beforeAll(async () => {
    [alice, bob, outsider] = await users(3);
    chatId = await openPrivateChat(server.baseUrl, alice, bob);
    otherChat = await openPrivateChat(server.baseUrl, alice, outsider);
    messageId = (await send(alice, chatId, 'hello')).id;
    await send(alice, otherChat, 'elsewhere');
  });
  const expectError = (res: { status: number; body: any }, status: number, code: string) =>
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });

  it('over REST: non-member 403, unknown chat 404, a seq past the newest message or not a count 400', async () => {
    for (const status of ['read', 'delivered'] as const) {
      expectError(await mark(outsider, chatId, status, 1), 403, 'forbidden');
      expectError(await mark(bob, UNKNOWN_ID, status, 1), 404, 'not_found');
      const past = await mark(bob, chatId, status, 2);
      expectError(past, 400, 'invalid_request');
      expect(past.body.error.message).toMatch(/^seq/);
      for (const bad of [-1, 1.5, 'x']) expectError(await mark(bob, chatId, status, bad), 400, 'invalid_request');
    }
    expectError(await api(server.baseUrl, 'POST', `/chats/${chatId}/read`, {}, bob.accessToken), 400, 'invalid_request');
    expect((await api(server.baseUrl, 'POST', `/chats/${chatId}/read`, { seq: 1 })).status).toBe(401);
    expect((await chatAs(bob, chatId)).members.find((m: any) => m.userId === bob.id)).toMatchObject({ deliveredSeq: 0, readSeq: 0 });
  });

  it('receipts of a message: non-member 403, unknown chat 404, unknown message or one from another chat 404', async () => {
    expectError(await receiptsOf(outsider, chatId, messageId), 403, 'forbidden');
    expectError(await receiptsOf(bob, UNKNOWN_ID, messageId), 404, 'not_found');
    expectError(await receiptsOf(bob, chatId, UNKNOWN_ID), 404, 'not_found');
    expectError(await receiptsOf(alice, otherChat, messageId), 404, 'not_found');
  });

  it('over WebSocket: the same refusals as error frames, and a valid receipt in the same burst still lands', async () => {
    const aliceWs = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const outsiderWs = await TestSocket.connect(server.wsUrl, outsider.accessToken);
    const bobWs = await TestSocket.connect(server.wsUrl, bob.accessToken);

    const forbidden = outsiderWs.next((f) => f.type === 'error');
    wsMark(outsiderWs, chatId, 'read', 1);
    expect(await forbidden).toEqual({ type: 'error', error: { code: 'forbidden', message: expect.any(String) } });

    wsMark(bobWs, UNKNOWN_ID, 'read', 1);
    wsMark(bobWs, chatId, 'read', 9);
    bobWs.send({ type: 'receipt', chatId, seq: -1, status: 'read' });
    bobWs.send({ type: 'receipt', chatId, seq: 1, status: 'seen' });
    wsMark(bobWs, chatId, 'delivered', 1);
    const errors = await bobWs.waitForCount((f) => f.type === 'error', 4, 5000);
    expect(errors.map((e) => e.error.code).sort()).toEqual(['invalid_request', 'invalid_request', 'invalid_request', 'not_found']);
    expect(errors.map((e) => e.error.message).filter((m: string) => m.startsWith('seq')).length).toBe(2);
    expect(errors.some((e) => e.error.message.startsWith('status'))).toBe(true);
    expect(await waitReceipt(aliceWs, chatId, bob.id, { deliveredSeq: 1 })).toMatchObject({ readSeq: 0 });
    await Promise.all([aliceWs, bobWs, outsiderWs].map(settle));
    expect(receiptFrames(aliceWs, chatId)).toHaveLength(1);
    expect(errorsOn(bobWs)).toHaveLength(4);
    [aliceWs, outsiderWs, bobWs].forEach((s) => s.close());
  });
});

describe('OpenAPI', () => {
  it('documents the receipt routes with their response shapes', async () => {
    const doc = await fetch(`${server.baseUrl}/api/openapi.json`).then((r) => r.json());
    const ok = (path: string, method: string) => doc.paths[path]?.[method]?.responses?.['200']?.content?.['application/json']?.schema;
    for (const path of ['/chats/{id}/read', '/chats/{id}/delivered']) {
      expect(Object.keys(ok(path, 'post').properties).sort()).toEqual(['deliveredSeq', 'readSeq', 'unreadCount']);
    }
    expect(Object.keys(ok('/chats/{id}/messages/{messageId}/receipts', 'get').properties)).toEqual(
      expect.arrayContaining(['recipientCount', 'deliveredCount', 'readCount', 'deliveredTo', 'readBy']),
    );
  });
});

describe('durability', () => {
  it('cursors, unread counts and receipt times survive a restart', async () => {
    const dataDir = tempDir();
    let first: TestServer | undefined = await startServer({}, dataDir);
    const [alice, bob, carol] = await users(3, first.baseUrl);
    const chatId = await createGroup(first.baseUrl, alice, [bob, carol], 'restart');
    const m1 = await send(alice, chatId, 'one', first.baseUrl);
    await send(alice, chatId, 'two', first.baseUrl);
    await mark(bob, chatId, 'read', 2, first.baseUrl);
    const carolWs = await TestSocket.connect(first.wsUrl, carol.accessToken);
    const aliceWs = await TestSocket.connect(first.wsUrl, alice.accessToken);
    wsMark(carolWs, chatId, 'delivered', 1);
    await waitReceipt(aliceWs, chatId, carol.id, { deliveredSeq: 1 });
    const before = (await receiptsOf(alice, chatId, m1.id, first.baseUrl)).body;
    expect(before).toMatchObject({ recipientCount: 2, deliveredCount: 2, readCount: 1 });
    await first.close();
    first = undefined;

    const second = await startServer({}, dataDir);
    try {
      expect((await receiptsOf(alice, chatId, m1.id, second.baseUrl)).body).toEqual(before);
      const bobView = await chatAs(bob, chatId, second.baseUrl);
      expect(bobView.unreadCount).toBe(0);
      expect((await chatAs(carol, chatId, second.baseUrl)).unreadCount).toBe(2);
      expect(bobView.members.map((m: any) => [m.userId, m.deliveredSeq, m.readSeq]).sort()).toEqual(
        [[alice.id, 0, 0], [bob.id, 2, 2], [carol.id, 1, 0]].sort(),
      );
      expect((await mark(bob, chatId, 'read', 1, second.baseUrl)).body).toEqual({ deliveredSeq: 2, readSeq: 2, unreadCount: 0 });
    } finally {
      await second.close();
    }
  });
});
