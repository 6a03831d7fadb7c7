import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { api, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { TestSocket } from './support/socket.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let chatId: string;

beforeAll(async () => {
  server = await startServer();
  [alice, bob] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
  chatId = await openPrivateChat(server.baseUrl, alice, bob);
});
afterAll(() => server.close());

/** A still-open socket answers a ping. */
async function stillOpen(socket: TestSocket): Promise<void> {
  socket.send({ type: 'ping' });
  await socket.next((f) => f.type === 'pong');
}

describe('bad frames get an error and the connection stays open', () => {
  it('answers frames that are not JSON, not objects, or of unknown type', async () => {
    const s = await TestSocket.connect(server.wsUrl, alice.accessToken);
    for (const [frame, fragment] of [
      ['{not json', 'not valid JSON'],
      ['[1,2]', 'JSON object'],
      ['{"type":"launch"}', 'unknown frame type'],
      ['{"notype":1}', 'type'],
    ] as const) {
      const pending = s.next((f) => f.type === 'error');
      s.send(frame);
      const error = await pending;
      expect(error.error.code).toBe('invalid_request');
      expect(error.error.message).toContain(fragment);
    }
    await stillOpen(s);
    s.close();
  });

  it('names the missing or wrong field and refers to the clientMsgId', async () => {
    const s = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const pending = s.next((f) => f.type === 'error');
    s.send({ type: 'send', clientMsgId: 'x1', message: { type: 'text', content: 'hi' } });
    expect(await pending).toEqual({ type: 'error', ref: 'x1', error: { code: 'invalid_request', message: expect.stringContaining('chatId') } });
    const wrongType = s.next((f) => f.type === 'error');
    s.send({ type: 'send', clientMsgId: 'x2', chatId, message: { type: 'text', content: 42 } });
    expect((await wrongType).error.message).toContain('message.content');
    const blank = await s.sendText(chatId, '   ', 'x3');
    expect(blank).toMatchObject({ type: 'error', ref: 'x3', error: { code: 'invalid_request' } });
    await stillOpen(s);
    s.close();
  });

  it('refuses chats the user is not in (403) and unknown chats (404)', async () => {
    const carol = await registerUser(server.baseUrl);
    const s = await TestSocket.connect(server.wsUrl, carol.accessToken);
    expect(await s.sendText(chatId, 'let me in', 'c1')).toMatchObject({ type: 'error', ref: 'c1', error: { code: 'forbidden' } });
    expect(await s.sendText('no-such-chat', 'hello?', 'c2')).toMatchObject({ type: 'error', ref: 'c2', error: { code: 'not_found' } });
    const sync = s.next((f) => f.type === 'synced');
    s.send({ type: 'sync', cursors: { [chatId]: 0 } });
    expect((await sync).chats).toEqual([]); // a non-member's cursor yields nothing of that chat
    await stillOpen(s);
    s.close();
  });

  it('rejects text over 16 KiB with payload_too_large, and stores nothing', async () => {
    const s = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const reply = await s.sendText(chatId, 'é'.repeat(8193), 'big'); // 16,386 bytes of UTF-8
    expect(reply).toMatchObject({ type: 'error', ref: 'big', error: { code: 'payload_too_large' } });
    const ok = await s.sendText(chatId, 'x'.repeat(16 * 1024), 'fits');
    expect(ok.type).toBe('ack');
    const history = await api(server.baseUrl, 'GET', `/chats/${chatId}/messages`, undefined, alice.accessToken);
    expect(history.body.messages.map((m: { clientMsgId: string }) => m.clientMsgId)).not.toContain('big');
    s.close();
  });

  it('answers a binary frame with an error', async () => {
    const s = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const pending = s.next((f) => f.type === 'error');
    s.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await pending).error.code).toBe('invalid_request');
    await stillOpen(s);
    s.close();
  });

  it('closes with 1009 on a frame above the size limit', async () => {
    const s = await TestSocket.connect(server.wsUrl, alice.accessToken);
    s.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(300 * 1024) }));
    expect((await s.closed).code).toBe(1009);
  });
});

describe('authentication', () => {
  async function expectRejected(first: unknown, code: string) {
    const s = await TestSocket.open(server.wsUrl);
    const error = s.next((f) => f.type === 'error');
    s.send(first);
    expect((await error).error.code).toBe(code);
    expect((await s.closed).code).toBe(4001);
  }

  it('answers ready with the user and device', async () => {
    const s = await TestSocket.connect(server.wsUrl, alice.accessToken);
    expect(s.frames[0]).toMatchObject({ type: 'ready', userId: alice.id, deviceId: expect.any(String) });
    s.close();
  });

  it('closes with 4001 on a missing, empty or forged token', async () => {
    await expectRejected({ type: 'auth' }, 'unauthorized');
    await expectRejected('{not json', 'unauthorized');
    await expectRejected({ type: 'auth', token: '' }, 'unauthorized');
    await expectRejected({ type: 'auth', token: `${alice.accessToken.slice(0, -2)}xx` }, 'unauthorized');
  });

  it('closes with 4001 when the first frame is not auth', async () => {
    await expectRejected({ type: 'send', clientMsgId: 'early', chatId, message: { type: 'text', content: 'hi' } }, 'unauthorized');
  });

  it('closes with 4001 after the auth timeout of silence', async () => {
    const quick = await startServer({ AUTH_TIMEOUT_MS: '300' });
    const s = await TestSocket.open(quick.wsUrl);
    expect((await s.closed).code).toBe(4001);
    expect(s.frames[0]).toMatchObject({ type: 'error', error: { code: 'unauthorized' } });
    await quick.close();
  });

  it('closes with 4001 and token_expired for an expired token', async () => {
    const shortLived = await startServer({ ACCESS_TOKEN_TTL_SEC: '1' });
    const user = await registerUser(shortLived.baseUrl);
    await new Promise((r) => setTimeout(r, 2100));
    const s = await TestSocket.open(shortLived.wsUrl);
    s.send({ type: 'auth', token: user.accessToken });
    expect((await s.next((f) => f.type === 'error')).error.code).toBe('token_expired');
    expect((await s.closed).code).toBe(4001);
    await shortLived.close();
  });

  it('refuses a second auth on the same connection', async () => {
    const s = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const error = s.next((f) => f.type === 'error');
    s.send({ type: 'auth', token: alice.accessToken });
    expect((await error).error.code).toBe('invalid_request');
    await stillOpen(s);
    s.close();
  });
});

describe('protecting the server', () => {
  it('rate limits frames per connection with rate_limited errors, then recovers', async () => {
    const limited = await startServer({ WS_RATE_PER_SEC: '5', WS_RATE_BURST: '5' });
    const user = await registerUser(limited.baseUrl);
    const s = await TestSocket.connect(limited.wsUrl, user.accessToken); // auth used one token
    for (let i = 0; i < 10; i++) s.send({ type: 'ping' });
    const errors = await s.waitForCount((f) => f.type === 'error', 6);
    expect(errors[0]!.error.code).toBe('rate_limited');
    expect(s.frames.filter((f) => f.type === 'pong')).toHaveLength(4);
    await new Promise((r) => setTimeout(r, 1100));
    await stillOpen(s);
    s.close();
    await limited.close();
  });

  it('drops a socket that stops answering heartbeats, keeps one that answers', async () => {
    const beating = await startServer({ HEARTBEAT_INTERVAL_MS: '150' });
    const user = await registerUser(beating.baseUrl);
    const deaf = await TestSocket.connect(beating.wsUrl, user.accessToken, { autoPong: false });
    const healthy = await TestSocket.connect(beating.wsUrl, user.accessToken);
    const closed = await deaf.closed;
    expect(closed.code).toBe(1006); // terminated, no close handshake
    await new Promise((r) => setTimeout(r, 500));
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    healthy.close();
    await beating.close();
  });

  it('pings its sockets in slices spread over the heartbeat interval, not all at once', async () => {
    const intervalMs = 1000;
    const beating = await startServer({ HEARTBEAT_INTERVAL_MS: String(intervalMs) });
    const user = await registerUser(beating.baseUrl);
    const sockets: TestSocket[] = [];
    const firstPing: number[] = [];
    for (let i = 0; i < 20; i++) {
      const socket = await TestSocket.connect(beating.wsUrl, user.accessToken);
      socket.ws.once('ping', () => (firstPing[i] = performance.now()));
      sockets.push(socket);
    }
    await new Promise((r) => setTimeout(r, intervalMs * 1.5));
    expect(firstPing.filter((t) => t !== undefined)).toHaveLength(20);
    // All at once, the first pings land within a few ms of each other; in slices, across the interval.
    expect(Math.max(...firstPing) - Math.min(...firstPing)).toBeGreaterThan(intervalMs * 0.4);
    for (const socket of sockets) socket.close();
    await beating.close();
  });

  it('disconnects a consumer that stops reading instead of buffering without bound', async () => {
    const tight = await startServer({ MAX_BUFFERED_BYTES: '65536' });
    const [sender, reader] = [await registerUser(tight.baseUrl), await registerUser(tight.baseUrl)];
    const room = await openPrivateChat(tight.baseUrl, sender, reader);
    const slow = await TestSocket.connect(tight.wsUrl, reader.accessToken);
    const fast = await TestSocket.connect(tight.wsUrl, sender.accessToken);
    // Stop reading from the kernel: the server's send buffer for this socket can only grow.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const text = 'y'.repeat(15_000);
    let closed = false;
    void slow.closed.then(() => (closed = true));
    for (let batch = 0; batch < 40 && !closed; batch++) {
      await Promise.all(Array.from({ length: 50 }, () => fast.sendText(room, text)));
      const metrics = await fetch(`${tight.baseUrl}/metrics`).then((r) => r.text());
      if (/parley_ws_slow_consumers_total 1/.test(metrics)) break;
    }
    const metrics = await fetch(`${tight.baseUrl}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/parley_ws_slow_consumers_total 1/);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await slow.closed).code).toBe(1006);
    // The sender was not affected, and the reader catches up from its cursor.
    expect(fast.ws.readyState).toBe(WebSocket.OPEN);
    const back = await TestSocket.connect(tight.wsUrl, reader.accessToken);
    back.send({ type: 'sync', cursors: {}, limit: 5 });
    expect((await back.next((f) => f.type === 'synced')).chats[0].messages[0].seq).toBe(1);
    fast.close();
    back.close();
    await tight.close();
  });
});

describe('HTTP edges', () => {
  it('serves health, metrics and the OpenAPI document', async () => {
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    const metrics = await fetch(`${server.baseUrl}/metrics`).then((r) => r.text());
    for (const name of ['parley_ws_connections', 'parley_messages_stored_total', 'parley_commit_batch_size', 'parley_commit_seconds']) {
      expect(metrics).toContain(name);
    }
    const doc = await fetch(`${server.baseUrl}/api/openapi.json`).then((r) => r.json());
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/auth/register', '/chats/{id}/messages', '/users/me/chats']));
    expect((await fetch(`${server.baseUrl}/api/docs/`)).status).toBe(200);
  });

  it('answers unknown routes, bad JSON, huge bodies and wrong content types in the error shape', async () => {
    const unknown = await api(server.baseUrl, 'GET', '/nope', undefined, alice.accessToken);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const badJson = await api(server.baseUrl, 'POST', '/auth/login', '{"username":', undefined);
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('invalid_request');
    const huge = await api(server.baseUrl, 'POST', `/chats/${chatId}/messages`, { type: 'text', content: 'z'.repeat(2 * 1024 * 1024) }, alice.accessToken);
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const form = await fetch(`${server.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(form.status).toBe(400);
    expect(JSON.stringify(await form.json())).not.toMatch(/at .*\.js|stack/);
    const missing = await api(server.baseUrl, 'POST', `/chats/${chatId}/messages`, { type: 'text' }, alice.accessToken);
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', message: expect.stringContaining('content') } } });
  });

  it('refuses WebSocket upgrades on other paths', async () => {
    const ws = new WebSocket(server.wsUrl.replace('/ws/chat', '/ws/other'));
    const outcome = await new Promise<string>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      ws.on('error', (err) => resolve(err.message));
    });
    expect(outcome).toContain('404');
  });
});
