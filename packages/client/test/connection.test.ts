import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelay, ParleyClient, type ConnectionState, type Message, type SessionEnded } from '../src/index.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { api, openPrivateChat, registerUser, type TestUser } from '../../server/test/support/api.js';
import { FlakyProxy } from './support/flakyProxy.js';

let server: TestServer;
let shortTokens: TestServer;
const proxies: FlakyProxy[] = [];
const clients: ParleyClient[] = [];

beforeAll(async () => {
  [server, shortTokens] = await Promise.all([startServer(), startServer({ ACCESS_TOKEN_TTL_SEC: '2' })]);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await Promise.all([server.close(), shortTokens.close()]);
});

async function proxyTo(target: TestServer): Promise<FlakyProxy> {
  const proxy = await FlakyProxy.start(target.baseUrl);
  proxies.push(proxy);
  return proxy;
}

/** A client signed in as `user`, recording its states and the messages handed to it. */
function clientFor(user: TestUser, baseUrl: string | string[], options: Partial<ConstructorParameters<typeof ParleyClient>[0]> = {}) {
  const client = new ParleyClient({ baseUrl, ...options });
  client.session = { user: { id: user.id, username: user.username, displayName: user.username }, accessToken: user.accessToken, refreshToken: user.refreshToken };
  const states: Array<{ state: ConnectionState; at: number }> = [];
  const messages: Message[] = [];
  client.on('state', (state) => states.push({ state, at: Date.now() }));
  client.on('message', (m) => messages.push(m));
  clients.push(client);
  return { client, states, messages, seen: () => states.map((s) => s.state) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('connection state machine', () => {
  it('goes reconnecting → ready after a dropped link, and sends what was queued meanwhile, once', async () => {
    const proxy = await proxyTo(server);
    const [alice, bob] = await Promise.all([registerUser(server.baseUrl, 'a'), registerUser(server.baseUrl, 'b')]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const a = clientFor(alice, proxy.baseUrl, { backoff: { baseMs: 50, maxMs: 200 } });
    const b = clientFor(bob, server.baseUrl);
    await Promise.all([a.client.connect(), b.client.connect()]);

    proxy.mode = 'refuse';
    proxy.dropAll();
    await expect.poll(() => a.client.state).toBe('reconnecting');
    const queued = ['one', 'two', 'three'].map((text) => a.client.send(chatId, text));
    await sleep(300);
    expect(a.client.pending().map((m) => m.status)).toEqual(['sending', 'sending', 'sending']);
    proxy.mode = 'pass';

    await expect.poll(() => b.messages.length).toBe(3);
    expect(a.seen()).toEqual(expect.arrayContaining(['connecting', 'ready', 'reconnecting']));
    expect(a.seen().at(-1)).toBe('ready');
    expect(b.messages.map((m) => [m.seq, m.content, m.clientMsgId])).toEqual(queued.map((q, i) => [i + 1, q.content, q.clientMsgId]));
    await expect.poll(() => a.client.pending()).toEqual([]);
  });

  it('finds a black-holed link in under two heartbeat intervals and reconnects when traffic flows again', async () => {
    const proxy = await proxyTo(server);
    const [alice, bob] = await Promise.all([registerUser(server.baseUrl, 'a'), registerUser(server.baseUrl, 'b')]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const heartbeatMs = 500;
    const a = clientFor(alice, proxy.baseUrl, { heartbeatMs, connectTimeoutMs: 600, backoff: { baseMs: 50, maxMs: 200 } });
    const b = clientFor(bob, server.baseUrl);
    await Promise.all([a.client.connect(), b.client.connect()]);
    await sleep(heartbeatMs * 1.3); // Somewhere in a heartbeat cycle, not at its start.

    proxy.mode = 'blackhole';
    const silentAt = Date.now();
    b.client.send(chatId, 'sent while the link is dead');
    await expect.poll(() => a.client.state, { interval: 10 }).toBe('reconnecting');
    const detectedAfter = a.states.find((s) => s.state === 'reconnecting')!.at - silentAt;
    expect(detectedAfter).toBeLessThan(2 * heartbeatMs);

    await sleep(900); // An attempt into the black hole times out rather than hangs.
    expect(a.client.state).not.toBe('ready');
    proxy.mode = 'pass';
    await expect.poll(() => a.client.state).toBe('ready');
    await expect.poll(() => a.messages.map((m) => m.content)).toEqual(['sent while the link is dead']);
  });

  it('backs off exponentially with full jitter, capped', () => {
    const bounds = { baseMs: 500, maxMs: 30_000 };
    expect([0, 1, 2, 3, 6, 7, 20].map((n) => backoffDelay(n, bounds, () => 0.999999))).toEqual([499, 999, 1999, 3999, 29_999, 29_999, 29_999]);
    expect(backoffDelay(5, bounds, () => 0)).toBe(0);
    expect(backoffDelay(2, bounds, () => 0.5)).toBe(1000);
  });

  it('keeps retrying an unreachable server, no faster than the backoff allows', async () => {
    const proxy = await proxyTo(server);
    proxy.mode = 'refuse';
    const alice = await registerUser(server.baseUrl, 'a');
    const a = clientFor(alice, proxy.baseUrl, { backoff: { baseMs: 100, maxMs: 400 } });
    const ready = a.client.connect();
    await sleep(1500);
    // Unbounded retries would make hundreds of attempts; the cap of 400 ms allows at least ~4.
    expect(proxy.accepted).toBeGreaterThanOrEqual(3);
    expect(proxy.accepted).toBeLessThan(30);
    expect(a.client.state).toBe('reconnecting');
    proxy.mode = 'pass';
    await ready;
    expect(a.client.state).toBe('ready');
  });

  it('fails over to the next server URL, for the link and for REST', async () => {
    const [first, second] = [await proxyTo(server), await proxyTo(server)];
    const alice = await registerUser(server.baseUrl, 'a');
    const a = clientFor(alice, [first.baseUrl, second.baseUrl], { backoff: { baseMs: 50, maxMs: 200 } });
    await a.client.connect();
    expect(first.connections).toBeGreaterThan(0);

    first.mode = 'refuse';
    first.dropAll();
    await expect.poll(() => a.seen().at(-1)).toBe('ready');
    await expect.poll(() => a.seen().filter((s) => s === 'ready').length).toBe(2);
    expect(second.connections).toBeGreaterThan(0);
    await expect(a.client.chats()).resolves.toEqual([]);
  });
});

describe('session', () => {
  it('refreshes the access token before it expires, so a reconnect after expiry just works', async () => {
    const proxy = await proxyTo(shortTokens);
    const alice = await registerUser(shortTokens.baseUrl, 'a');
    const a = clientFor(alice, proxy.baseUrl, { backoff: { baseMs: 50, maxMs: 200 } });
    const ended: SessionEnded[] = [];
    a.client.on('session.ended', (e) => ended.push(e));
    await a.client.connect();
    const first = a.client.session!.accessToken;
    // 80% of a 2 s lifetime.
    await expect.poll(() => a.client.session!.accessToken, { timeout: 2500 }).not.toBe(first);
    expect(a.client.state).toBe('ready');

    await sleep(1200); // The first token is now expired.
    proxy.dropAll();
    await expect.poll(() => a.seen().filter((s) => s === 'ready').length).toBe(2);
    await expect(a.client.chats()).resolves.toEqual([]);
    expect(ended).toEqual([]);
  });

  it('refreshes and reconnects when the server says token_expired (a token older than the client thinks)', async () => {
    const alice = await registerUser(shortTokens.baseUrl, 'a');
    await sleep(2100);
    // Adopted now, so by its own clock the client believes it has 2 s left.
    const a = clientFor(alice, shortTokens.baseUrl, { backoff: { baseMs: 50, maxMs: 200 } });
    await a.client.connect();
    expect(a.seen()).toEqual(['connecting', 'reconnecting', 'ready']);
    expect(a.client.session!.accessToken).not.toBe(alice.accessToken);
  });

  it('refreshes an expired token on a REST call and repeats the call', async () => {
    const alice = await registerUser(shortTokens.baseUrl, 'a');
    await sleep(2100);
    const a = clientFor(alice, shortTokens.baseUrl);
    await expect(a.client.chats()).resolves.toEqual([]);
    expect(a.client.session!.accessToken).not.toBe(alice.accessToken);
  });

  it('goes offline for good when the session is revoked (close 4003)', async () => {
    const alice = await registerUser(server.baseUrl, 'a');
    const a = clientFor(alice, server.baseUrl, { backoff: { baseMs: 50, maxMs: 200 } });
    const ended: SessionEnded[] = [];
    a.client.on('session.ended', (e) => ended.push(e));
    await a.client.connect();

    expect((await api(server.baseUrl, 'POST', '/auth/logout', undefined, alice.accessToken)).status).toBe(204);
    await expect.poll(() => ended.length).toBe(1);
    expect(ended[0]).toMatchObject({ revoked: true });
    expect(a.client.state).toBe('offline');
    expect(a.client.session).toBeUndefined();
    await sleep(300);
    expect(a.seen()).toEqual(['connecting', 'ready', 'offline']);
    await expect(a.client.connect()).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
