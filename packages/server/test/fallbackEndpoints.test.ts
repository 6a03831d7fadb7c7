import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { TestEventStream } from './support/eventStream.js';
import { TestSocket } from './support/socket.js';
import { startServer, type TestServer } from './support/server.js';

const GRACE_MS = 300;
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ PRESENCE_GRACE_MS: String(GRACE_MS), SSE_KEEPALIVE_MS: '100' });
});
afterAll(() => server.close());

type Frame = Record<string, any>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const user = (s = server) => registerUser(s.baseUrl);
const stream = (u: TestUser, s = server) => TestEventStream.connect(s.baseUrl, u.accessToken);
const poll = (u: TestUser, body: Record<string, unknown>, s = server) => api(s.baseUrl, 'POST', '/poll', body, u.accessToken);
const sendText = async (from: TestUser, chatId: string, content: string, s = server) => {
  const res = await api(s.baseUrl, 'POST', `/chats/${chatId}/messages`, { type: 'text', content }, from.accessToken);
  expect(res.status).toBe(201);
  return res.body.message;
};
const withoutReady = (frames: Frame[]) => frames.filter((f) => f.type !== 'ready');
/** Leaves out `ready` and the user's own presence (their devices hear of it too). */
const aboutOthers = (frames: Frame[], u: TestUser) => withoutReady(frames).filter((f) => !(f.type === 'presence' && f.userId === u.id));
const ownPresence = (u: TestUser) => (f: Frame) => f.type === 'presence' && f.userId === u.id && f.status === 'online';

/** Opens a poll link and lets the user's own `online` presence go by; returns the cursor after it. */
async function openPoll(u: TestUser, s = server): Promise<{ after: string; connectionId: string }> {
  const opened = (await poll(u, {}, s)).body;
  let after = opened.after;
  for (let seen = false; !seen; ) {
    const res = await poll(u, { after, timeoutMs: 2000 }, s);
    [after, seen] = [res.body.after, res.body.events.some(ownPresence(u))];
  }
  return { after, connectionId: opened.events[0].connectionId };
}

async function pair(): Promise<{ alice: TestUser; bob: TestUser; chatId: string }> {
  const [alice, bob] = [await user(), await user()];
  return { alice, bob, chatId: await openPrivateChat(server.baseUrl, alice, bob) };
}

describe('GET /events (Server-Sent Events)', () => {
  it('refuses a missing, bad or revoked token with 401 before any stream starts', async () => {
    const alice = await user();
    expect(await TestEventStream.open(server.baseUrl)).toEqual({ status: 401, body: { error: expect.objectContaining({ code: 'unauthorized' }) } });
    expect(await TestEventStream.open(server.baseUrl, { token: 'nonsense' })).toMatchObject({ status: 401 });
    expect(await TestEventStream.open(server.baseUrl, { queryToken: 'nonsense' })).toMatchObject({ status: 401 });
    await api(server.baseUrl, 'POST', '/auth/logout', undefined, alice.accessToken);
    expect(await TestEventStream.open(server.baseUrl, { token: alice.accessToken })).toMatchObject({ status: 401 });
  });

  it('takes the token from the header or from ?access_token=, and sends ready first, naming the connection', async () => {
    const alice = await user();
    for (const auth of [{ token: alice.accessToken }, { queryToken: alice.accessToken }]) {
      const s = await TestEventStream.open(server.baseUrl, auth);
      if (!(s instanceof TestEventStream)) throw new Error(`refused: ${s.status}`);
      expect(s.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await s.next((f) => f.type === 'ready', 5000, true);
      expect(s.frames[0]).toEqual({ type: 'ready', userId: alice.id, deviceId: expect.any(String), protocol: 1, connectionId: expect.any(String) });
      s.close();
    }
  });

  it('receives exactly the frames a WebSocket of the same user receives: message, receipt, typing, presence, chat, chat.removed', async () => {
    const { alice, bob, chatId } = await pair();
    const ws = await TestSocket.connect(server.wsUrl, alice.accessToken);
    await ws.next(ownPresence(alice), 5000, true);
    const sse = await stream(alice);
    const mark = ws.frames.length;
    const bobSocket = await TestSocket.connect(server.wsUrl, bob.accessToken); // presence: bob online
    const sent = await sendText(bob, chatId, 'hello over both');
    expect((await api(server.baseUrl, 'POST', `/chats/${chatId}/read`, { seq: sent.seq }, bob.accessToken)).status).toBe(200);
    expect((await api(server.baseUrl, 'POST', `/chats/${chatId}/typing`, { state: 'start' }, bob.accessToken)).status).toBe(204);
    const groupId = await createGroup(server.baseUrl, bob, [alice]);
    expect((await api(server.baseUrl, 'DELETE', `/chats/${groupId}/members/${alice.id}`, undefined, bob.accessToken)).status).toBe(204);
    await Promise.all([ws, sse].map((s) => s.next((f) => f.type === 'chat.removed', 5000, true)));
    await api(server.baseUrl, 'POST', `/chats/${chatId}/typing`, { state: 'stop' }, bob.accessToken);
    await Promise.all([ws, sse].map((s) => s.next((f) => f.type === 'typing' && f.state === 'stop', 5000, true)));

    const types = withoutReady(sse.frames).map((f) => f.type);
    for (const type of ['presence', 'message', 'receipt', 'typing', 'chat', 'chat.removed']) expect(types).toContain(type);
    expect(withoutReady(sse.frames)).toEqual(ws.frames.slice(mark));
    bobSocket.close();
    ws.close();
    sse.close();
  });

  it('gives a user nothing of chats they are not in', async () => {
    const { alice, bob, chatId } = await pair();
    const carol = await user();
    const watcher = await stream(carol);
    const bobs = await stream(bob);
    await sendText(alice, chatId, 'not for carol');
    await api(server.baseUrl, 'POST', `/chats/${chatId}/typing`, { state: 'start' }, alice.accessToken);
    await bobs.next((f) => f.type === 'typing');
    await sleep(100);
    expect(aboutOthers(watcher.frames, carol)).toEqual([]);
    watcher.close();
    bobs.close();
  });

  it('closes the stream with a close event 4003 when the session is revoked', async () => {
    const alice = await user();
    const s = await stream(alice);
    expect((await api(server.baseUrl, 'POST', '/auth/logout', undefined, alice.accessToken)).status).toBe(204);
    expect(await s.ended).toEqual({ close: { code: 4003, reason: 'session revoked' } });
  });

  it('keeps the stream alive with comments', async () => {
    const s = await stream(await user());
    await sleep(450);
    expect(s.comments).toBeGreaterThanOrEqual(2);
    s.close();
  });

  it('counts as a connection for presence: peers see the user online, then offline after the grace period', async () => {
    const { alice, bob } = await pair();
    const watcher = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const s = await stream(alice);
    await watcher.next((f) => f.type === 'presence' && f.userId === alice.id && f.status === 'online', 5000, true);
    s.close();
    const offline = await watcher.next((f) => f.type === 'presence' && f.userId === alice.id && f.status === 'offline', 5000);
    expect(offline.lastSeen).toEqual(expect.any(String));
    watcher.close();
  });

  it('answers POST /ping with a pong on that stream only', async () => {
    const alice = await user();
    const [first, second] = [await stream(alice), await stream(alice)];
    expect((await api(server.baseUrl, 'POST', '/ping', { connectionId: first.connectionId }, alice.accessToken)).status).toBe(204);
    await first.next((f) => f.type === 'pong', 10_000, true); // the pong may beat the 204
    // Another user naming this stream reaches nothing.
    const mallory = await user();
    await api(server.baseUrl, 'POST', '/ping', { connectionId: second.connectionId }, mallory.accessToken);
    await sleep(150);
    expect(second.frames.filter((f) => f.type === 'pong')).toEqual([]); // (its own presence may arrive meanwhile)
    first.close();
    second.close();
  });

  it('drops a stream that pinged and then fell silent, and keeps one that never pings', async () => {
    const beating = await startServer({ HEARTBEAT_INTERVAL_MS: '150' });
    const alice = await user(beating);
    const [pinger, quiet] = [await stream(alice, beating), await stream(alice, beating)];
    await api(beating.baseUrl, 'POST', '/ping', { connectionId: pinger.connectionId }, alice.accessToken);
    await pinger.next((f) => f.type === 'pong', 10_000, true);
    expect(await pinger.ended).toEqual({}); // dropped, no goodbye
    let quietEnded = false;
    void quiet.ended.then(() => (quietEnded = true));
    await sleep(300);
    expect(quietEnded).toBe(false);
    quiet.close();
    await beating.close();
  });

  it('disconnects a stream whose client stops reading instead of buffering without bound', async () => {
    const tight = await startServer({ MAX_BUFFERED_BYTES: '65536' });
    const [sender, reader] = [await user(tight), await user(tight)];
    const room = await openPrivateChat(tight.baseUrl, sender, reader);
    const { port } = new URL(tight.baseUrl);
    const raw = net.connect(Number(port), '127.0.0.1');
    raw.write(`GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${reader.accessToken}\r\nAccept: text/event-stream\r\n\r\n`);
    await new Promise((r) => raw.once('data', r));
    raw.pause(); // The server's buffer for this stream can only grow now.
    let closed = false;
    raw.on('close', () => (closed = true));
    const fast = await TestSocket.connect(tight.wsUrl, sender.accessToken);
    const text = 'y'.repeat(15_000);
    for (let batch = 0; batch < 40 && !closed; batch++) {
      await Promise.all(Array.from({ length: 50 }, () => fast.sendText(room, text)));
      if (/parley_ws_slow_consumers_total 1/.test(await fetch(`${tight.baseUrl}/metrics`).then((r) => r.text()))) break;
    }
    expect(await fetch(`${tight.baseUrl}/metrics`).then((r) => r.text())).toMatch(/parley_ws_slow_consumers_total 1/);
    raw.resume();
    await expect.poll(() => closed).toBe(true);
    fast.close();
    await tight.close();
  });

  it('closes every stream with 4503 when the server shuts down', async () => {
    const other = await startServer();
    const s = await stream(await user(other), other);
    await other.close();
    expect(await s.ended).toEqual({ close: { code: 4503, reason: 'server restarting' } });
  });
});

describe('the client frames over REST', () => {
  it('POST /sync answers what the sync frame answers', async () => {
    const { alice, bob, chatId } = await pair();
    for (let i = 0; i < 5; i++) await sendText(bob, chatId, `m${i}`);
    const ws = await TestSocket.connect(server.wsUrl, alice.accessToken);
    ws.send({ type: 'sync', cursors: { [chatId]: 2 }, limit: 2 });
    const synced = await ws.next((f) => f.type === 'synced');
    const rest = await api(server.baseUrl, 'POST', '/sync', { cursors: { [chatId]: 2 }, limit: 2 }, alice.accessToken);
    expect(rest.status).toBe(200);
    expect(rest.body).toEqual({ chats: synced.chats });
    expect(rest.body.chats[0]).toMatchObject({ chatId, hasMore: true });
    expect(rest.body.chats[0].messages.map((m: Frame) => m.seq)).toEqual([3, 4]);
    expect((await api(server.baseUrl, 'POST', '/sync', { cursors: { [chatId]: 5 } }, alice.accessToken)).body).toEqual({ chats: [] });
    expect((await api(server.baseUrl, 'POST', '/sync', { cursors: { [chatId]: -1 } }, alice.accessToken)).status).toBe(400);
    ws.close();
  });

  it('POST /chats/{id}/typing reaches the other members; strangers get 403, unknown chats 404', async () => {
    const { alice, bob, chatId } = await pair();
    const bobs = await TestSocket.connect(server.wsUrl, bob.accessToken);
    expect((await api(server.baseUrl, 'POST', `/chats/${chatId}/typing`, { state: 'start' }, alice.accessToken)).status).toBe(204);
    expect(await bobs.next((f) => f.type === 'typing', 5000, true)).toEqual({ type: 'typing', chatId, userId: alice.id, state: 'start' });
    expect((await api(server.baseUrl, 'POST', `/chats/${chatId}/typing`, { state: 'stop' }, alice.accessToken)).status).toBe(204);
    expect(await bobs.next((f) => f.type === 'typing' && f.state === 'stop', 5000, true)).toMatchObject({ chatId, userId: alice.id });
    const carol = await user();
    expect((await api(server.baseUrl, 'POST', `/chats/${chatId}/typing`, { state: 'start' }, carol.accessToken)).status).toBe(403);
    expect((await api(server.baseUrl, 'POST', '/chats/nope/typing', { state: 'start' }, carol.accessToken)).status).toBe(404);
    expect((await api(server.baseUrl, 'POST', `/chats/${chatId}/typing`, { state: 'maybe' }, alice.accessToken)).status).toBe(400);
    bobs.close();
  });
});

describe('POST /poll (long polling)', () => {
  it('refuses a missing or bad token with 401', async () => {
    expect((await api(server.baseUrl, 'POST', '/poll', {})).status).toBe(401);
    expect((await api(server.baseUrl, 'POST', '/poll', {}, 'nonsense')).status).toBe(401);
  });

  it('answers a new link at once with ready, naming the mailbox, and an after cursor', async () => {
    const alice = await user();
    const started = Date.now();
    const res = await poll(alice, { timeoutMs: 5000 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ after: expect.any(String), chats: [], events: [{ type: 'ready', userId: alice.id, deviceId: expect.any(String), protocol: 1, connectionId: expect.any(String) }] });
  });

  it('answers at once with missed messages when behind, as sync would', async () => {
    const { alice, bob, chatId } = await pair();
    for (let i = 0; i < 3; i++) await sendText(bob, chatId, `m${i}`);
    const { after } = await openPoll(alice);
    const started = Date.now();
    const res = await poll(alice, { after, cursors: { [chatId]: 1 }, timeoutMs: 5000 });
    expect(Date.now() - started).toBeLessThan(1000);
    const sync = await api(server.baseUrl, 'POST', '/sync', { cursors: { [chatId]: 1 } }, alice.accessToken);
    expect(res.body.chats).toEqual(sync.body.chats);
    expect(res.body.chats[0].messages.map((m: Frame) => m.content)).toEqual(['m1', 'm2']);
  });

  it('holds a poll while the client is current and answers as soon as a message arrives', async () => {
    const { alice, bob, chatId } = await pair();
    const { after } = await openPoll(alice);
    const started = Date.now();
    const pending = poll(alice, { after, cursors: { [chatId]: 0 }, timeoutMs: 10_000 });
    await sleep(400);
    await sendText(bob, chatId, 'wake up');
    const res = await pending;
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(400);
    expect(took).toBeLessThan(3000);
    expect(res.body.chats).toEqual([{ chatId, hasMore: false, messages: [expect.objectContaining({ seq: 1, content: 'wake up' })] }]);
  });

  it('answers an idle poll empty once its timeout is over', async () => {
    const { alice, chatId } = await pair();
    const { after } = await openPoll(alice);
    const started = Date.now();
    const res = await poll(alice, { after, cursors: { [chatId]: 0 }, timeoutMs: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.body).toEqual({ after, events: [], chats: [] });
  });

  it('keeps receipts, typing and chat changes between polls and hands them over in order after the cursor', async () => {
    const { alice, bob, chatId } = await pair();
    const first = (await openPoll(alice)).after;
    const sent = await sendText(alice, chatId, 'read me');
    await api(server.baseUrl, 'POST', `/chats/${chatId}/read`, { seq: sent.seq }, bob.accessToken);
    await api(server.baseUrl, 'POST', `/chats/${chatId}/typing`, { state: 'start' }, bob.accessToken);
    const groupId = await createGroup(server.baseUrl, bob, [alice], 'later');

    const res = await poll(alice, { after: first, timeoutMs: 0 });
    expect(res.body.events.map((f: Frame) => [f.type, f.chatId ?? f.chat?.id])).toEqual([
      ['receipt', chatId],
      ['typing', chatId],
      ['chat', groupId],
    ]);
    expect(res.body.events[0]).toMatchObject({ userId: bob.id, readSeq: sent.seq });
    // A cursor reads, it does not consume: the same `after` gets the same events again.
    expect((await poll(alice, { after: first, timeoutMs: 0 })).body.events).toEqual(res.body.events);
    // After the last one there is nothing more, and a later event comes alone.
    const afterAll = res.body.after;
    expect((await poll(alice, { after: afterAll, timeoutMs: 100 })).body.events).toEqual([]);
    await api(server.baseUrl, 'PATCH', `/chats/${groupId}`, { name: 'renamed' }, bob.accessToken);
    const next = await poll(alice, { after: afterAll, timeoutMs: 5000 });
    expect(next.body.events).toEqual([expect.objectContaining({ type: 'chat', chat: expect.objectContaining({ name: 'renamed' }) })]);
  });

  it('tells a poll whose events fell out of the bounded mailbox, or whose cursor is unknown, to start over', async () => {
    const small = await startServer({ POLL_MAILBOX_EVENTS: '2' });
    const [alice, bob] = [await user(small), await user(small)];
    const chatId = await openPrivateChat(small.baseUrl, alice, bob);
    const { after } = await openPoll(alice, small);
    for (const state of ['start', 'stop', 'start']) {
      await api(small.baseUrl, 'POST', `/chats/${chatId}/typing`, { state }, bob.accessToken);
      await sleep(state === 'stop' ? 1100 : 0); // a second start within a second is not fanned out
    }
    const res = await poll(alice, { after, timeoutMs: 0 }, small);
    expect(res.body).toMatchObject({ reset: true, events: [] });
    expect((await poll(alice, { after: res.body.after, timeoutMs: 0 }, small)).body.reset).toBeUndefined();
    expect((await poll(alice, { after: 'no-such-mailbox.3', timeoutMs: 0 }, small)).body.reset).toBe(true);
    await small.close();
  });

  it('gives a poller nothing of chats they are not in', async () => {
    const { alice, bob, chatId } = await pair();
    const carol = await user();
    const { after } = await openPoll(carol);
    await sendText(alice, chatId, 'private');
    await api(server.baseUrl, 'POST', `/chats/${chatId}/typing`, { state: 'start' }, bob.accessToken);
    const res = await poll(carol, { after, cursors: { [chatId]: 0 }, timeoutMs: 300 });
    expect(res.body).toEqual({ after, events: [], chats: [] });
  });

  it('counts a pending poll as a connection for presence', async () => {
    const { alice, bob } = await pair();
    const watcher = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const { after } = (await poll(alice, {})).body;
    const pending = poll(alice, { after, timeoutMs: 1500 });
    await watcher.next((f) => f.type === 'presence' && f.userId === alice.id && f.status === 'online', 5000, true);
    await pending;
    // No poll follows: offline once the grace period is over.
    await watcher.next((f) => f.type === 'presence' && f.userId === alice.id && f.status === 'offline', 5000);
    watcher.close();
  });

  it('answers POST /ping with a pong in the mailbox, which wakes the poll', async () => {
    const alice = await user();
    const { after, connectionId } = await openPoll(alice);
    const pending = poll(alice, { after, timeoutMs: 10_000 });
    await sleep(100);
    await api(server.baseUrl, 'POST', '/ping', { connectionId }, alice.accessToken);
    expect((await pending).body.events).toEqual([{ type: 'pong' }]);
  });

  it('answers a pending poll with close 4003 when the session is revoked', async () => {
    const alice = await user();
    const { after } = await openPoll(alice);
    const pending = poll(alice, { after, timeoutMs: 10_000 });
    await sleep(100);
    await api(server.baseUrl, 'POST', '/auth/logout', undefined, alice.accessToken);
    expect((await pending).body.close).toEqual({ code: 4003, reason: 'session revoked' });
    expect((await poll(alice, { after })).status).toBe(401);
  });

  it('answers a pending poll with close 4503 when the server shuts down', async () => {
    const other = await startServer();
    const alice = await user(other);
    const { after } = await openPoll(alice, other);
    const pending = poll(alice, { after, timeoutMs: 10_000 }, other);
    await sleep(100);
    const closing = other.close();
    expect((await pending).body.close).toEqual({ code: 4503, reason: 'server restarting' });
    await closing;
  });
});
