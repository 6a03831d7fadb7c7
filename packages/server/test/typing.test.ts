import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { TestSocket } from './support/socket.js';
import { startServer, type TestServer } from './support/server.js';

const TTL_MS = 800;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ TYPING_TTL_MS: String(TTL_MS) });
});
afterAll(() => server.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const connect = (user: TestUser) => TestSocket.connect(server.wsUrl, user.accessToken);
const typingFrames = (socket: TestSocket) => socket.frames.filter((f) => f.type === 'typing');
const typing = (chatId: string, state: 'start' | 'stop') => ({ type: 'typing', chatId, state });
const isTyping = (chatId: string, userId: string, state: 'start' | 'stop') => (f: Record<string, any>) =>
  f.type === 'typing' && f.chatId === chatId && f.userId === userId && f.state === state;

/**
 * Every frame the server sent a socket before answering its ping has arrived once the pong has.
 * Pinging the typist first means its earlier frames were handled, so their fan-out was written.
 */
async function flush(...sockets: TestSocket[]): Promise<void> {
  for (const socket of sockets) {
    const pong = socket.next((f) => f.type === 'pong');
    socket.send({ type: 'ping' });
    await pong;
  }
}

/** Alice (two devices), Bob and Carol in a group, each connected. */
async function group() {
  const [alice, bob, carol] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
  const chatId = await createGroup(server.baseUrl, alice, [bob, carol]);
  const aliceLaptop = await connect(alice);
  const alicePhone = await connect({ ...alice, accessToken: (await api(server.baseUrl, 'POST', '/auth/login', { username: alice.username, password: alice.password })).body.accessToken });
  return { alice, bob, carol, chatId, aliceLaptop, alicePhone, bobSocket: await connect(bob), carolSocket: await connect(carol) };
}

describe('typing', () => {
  it('a start reaches every other member, but none of the typer’s own connections', async () => {
    const g = await group();
    g.aliceLaptop.send(typing(g.chatId, 'start'));
    const expected = { type: 'typing', chatId: g.chatId, userId: g.alice.id, state: 'start' };
    expect(await g.bobSocket.next(isTyping(g.chatId, g.alice.id, 'start'))).toEqual(expected);
    expect(await g.carolSocket.next(isTyping(g.chatId, g.alice.id, 'start'), 10_000, true)).toEqual(expected);
    await flush(g.aliceLaptop, g.alicePhone);
    expect(typingFrames(g.aliceLaptop)).toEqual([]);
    expect(typingFrames(g.alicePhone)).toEqual([]);
    expect(g.aliceLaptop.frames.filter((f) => f.type === 'error')).toEqual([]);
  });

  it('a stop from the typer is fanned out at once', async () => {
    const g = await group();
    g.aliceLaptop.send(typing(g.chatId, 'start'));
    await g.bobSocket.next(isTyping(g.chatId, g.alice.id, 'start'));
    const sent = Date.now();
    g.aliceLaptop.send(typing(g.chatId, 'stop'));
    await g.bobSocket.next(isTyping(g.chatId, g.alice.id, 'stop'));
    expect(Date.now() - sent).toBeLessThan(TTL_MS / 2);
    expect(typingFrames(g.bobSocket).map((f) => f.state)).toEqual(['start', 'stop']);
  });

  it('without a refreshing start, the server itself sends stop after the TTL', async () => {
    const g = await group();
    g.aliceLaptop.send(typing(g.chatId, 'start'));
    await g.bobSocket.next(isTyping(g.chatId, g.alice.id, 'start'));
    const started = Date.now();
    await g.bobSocket.next(isTyping(g.chatId, g.alice.id, 'stop'), 5_000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(TTL_MS - 100);
    expect(elapsed).toBeLessThan(TTL_MS + 1_000);
    await g.carolSocket.next(isTyping(g.chatId, g.alice.id, 'stop'), 1_000, true);
    expect(typingFrames(g.carolSocket).map((f) => f.state)).toEqual(['start', 'stop']);
  });

  it('starts within the second are not fanned out again but still keep the indicator on', async () => {
    const g = await group();
    g.aliceLaptop.send(typing(g.chatId, 'start'));
    await g.bobSocket.next(isTyping(g.chatId, g.alice.id, 'start'));
    const started = Date.now();
    // Refreshed at ~0.5 TTL and ~0.9 TTL, both inside the one-second window: expiry moves to ~1.9 TTL.
    await sleep(TTL_MS / 2);
    g.aliceLaptop.send(typing(g.chatId, 'start'));
    await sleep(TTL_MS * 0.4);
    g.aliceLaptop.send(typing(g.chatId, 'start'));
    await sleep(TTL_MS * 0.6);
    await flush(g.aliceLaptop, g.bobSocket);
    expect(typingFrames(g.bobSocket).map((f) => f.state)).toEqual(['start']);
    await g.bobSocket.next(isTyping(g.chatId, g.alice.id, 'stop'), 5_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(TTL_MS * 1.9 - 100);
  });

  it('fans out at most one start per connection per chat per second; extras are dropped', async () => {
    const g = await group();
    for (let i = 0; i < 5; i++) g.aliceLaptop.send(typing(g.chatId, 'start'));
    await flush(g.aliceLaptop, g.bobSocket);
    expect(typingFrames(g.bobSocket).map((f) => f.state)).toEqual(['start']);
    expect(g.aliceLaptop.frames.filter((f) => f.type === 'error')).toEqual([]);

    await sleep(1_050);
    g.aliceLaptop.send(typing(g.chatId, 'start'));
    await g.bobSocket.waitForCount(isTyping(g.chatId, g.alice.id, 'start'), 2);
  });

  it('the limit is per connection: another device of the same user is fanned out too', async () => {
    const g = await group();
    g.aliceLaptop.send(typing(g.chatId, 'start'));
    await flush(g.aliceLaptop);
    g.alicePhone.send(typing(g.chatId, 'start'));
    await g.bobSocket.waitForCount(isTyping(g.chatId, g.alice.id, 'start'), 2);
  });

  it('closing the typing connection sends stop at once', async () => {
    const g = await group();
    g.aliceLaptop.send(typing(g.chatId, 'start'));
    await g.bobSocket.next(isTyping(g.chatId, g.alice.id, 'start'));
    const closed = Date.now();
    g.aliceLaptop.close();
    await g.bobSocket.next(isTyping(g.chatId, g.alice.id, 'stop'));
    expect(Date.now() - closed).toBeLessThan(TTL_MS / 2);
  });

  it('others see stop only once every device of the typer has stopped', async () => {
    const g = await group();
    g.aliceLaptop.send(typing(g.chatId, 'start'));
    await flush(g.aliceLaptop);
    g.alicePhone.send(typing(g.chatId, 'start'));
    await g.bobSocket.waitForCount(isTyping(g.chatId, g.alice.id, 'start'), 2);
    g.aliceLaptop.send(typing(g.chatId, 'stop'));
    await flush(g.aliceLaptop, g.bobSocket);
    expect(typingFrames(g.bobSocket).map((f) => f.state)).toEqual(['start', 'start']);
    g.alicePhone.send(typing(g.chatId, 'stop'));
    await g.bobSocket.next(isTyping(g.chatId, g.alice.id, 'stop'));
  });

  it('a non-member is refused with 403 and members hear nothing', async () => {
    const g = await group();
    const dave = await registerUser(server.baseUrl);
    const daveSocket = await connect(dave);
    for (const state of ['start', 'stop'] as const) {
      daveSocket.send(typing(g.chatId, state));
      const reply = await daveSocket.next((f) => f.type === 'error');
      expect(reply.error.code).toBe('forbidden');
      daveSocket.frames.length = 0;
    }
    await flush(daveSocket, g.bobSocket);
    expect(typingFrames(g.bobSocket)).toEqual([]);
  });

  it('an unknown chat is 404', async () => {
    const dave = await registerUser(server.baseUrl);
    const daveSocket = await connect(dave);
    daveSocket.send(typing('0190d0d0-0000-7000-8000-000000000000', 'start'));
    expect((await daveSocket.next((f) => f.type === 'error')).error.code).toBe('not_found');
  });

  it('in a private chat where one side blocked the other, typing is refused as blocked', async () => {
    const [alice, bob] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    expect((await api(server.baseUrl, 'POST', `/contacts/${alice.id}/block`, undefined, bob.accessToken)).status).toBe(200);
    const [aliceSocket, bobSocket] = [await connect(alice), await connect(bob)];
    aliceSocket.send(typing(chatId, 'start'));
    expect((await aliceSocket.next((f) => f.type === 'error')).error.code).toBe('blocked');
    await flush(aliceSocket, bobSocket);
    expect(typingFrames(bobSocket)).toEqual([]);
  });

  it('a stop for a chat the connection is not typing in tells no one', async () => {
    const g = await group();
    g.aliceLaptop.send(typing(g.chatId, 'stop'));
    await flush(g.aliceLaptop, g.bobSocket);
    expect(typingFrames(g.bobSocket)).toEqual([]);
    expect(g.aliceLaptop.frames.filter((f) => f.type === 'error')).toEqual([]);
  });
});
