import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  longPollTransport,
  ParleyClient,
  sseTransport,
  webSocketTransport,
  type ClientEvents,
  type ConnectionState,
  type LocalMessage,
  type Message,
  type ParleyClientOptions,
  type TransportFactory,
} from '../src/index.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { api, openPrivateChat, registerUser, type TestUser } from '../../server/test/support/api.js';
import { BlockingProxy } from './support/blockingProxy.js';
import { FlakyProxy, seededRandom } from './support/flakyProxy.js';

let server: TestServer;
const proxies: BlockingProxy[] = [];
const clients: ParleyClient[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(() => server.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function proxy(block: { webSockets?: boolean; eventStreams?: boolean } = {}): Promise<BlockingProxy> {
  const p = await BlockingProxy.start(server.baseUrl);
  p.blockWebSockets = block.webSockets ?? false;
  p.blockEventStreams = block.eventStreams ?? false;
  proxies.push(p);
  return p;
}

/** A client signed in as `user`, recording what the app would see. */
function clientFor(user: TestUser, baseUrl: string, options: Partial<ParleyClientOptions> = {}) {
  const client = new ParleyClient({ baseUrl, backoff: { baseMs: 50, maxMs: 200 }, ...options });
  client.session = { user: { id: user.id, username: user.username, displayName: user.username }, accessToken: user.accessToken, refreshToken: user.refreshToken };
  clients.push(client);
  const seen = <K extends keyof ClientEvents>(type: K) => {
    const list: Array<ClientEvents[K]> = [];
    client.on(type, (e) => list.push(e));
    return list;
  };
  return { client, messages: seen('message'), statuses: seen('status'), transports: seen('transport'), states: seen('state'), typing: seen('typing'), presence: seen('presence') };
}

/** Every message of the chat, once each, in seq order 1..n, with each sent text exactly once. */
function expectExactlyOnce(messages: Message[], chatId: string, texts: string[]): void {
  const mine = messages.filter((m) => m.chatId === chatId);
  expect(mine.map((m) => m.seq)).toEqual(texts.map((_, i) => i + 1));
  expect(mine.map((m) => m.content).sort()).toEqual([...texts].sort());
}

/** One sender's messages got seqs in the order of its `send()` calls. */
const inSendOrder = (messages: Message[], prefix: string): string[] => messages.map((m) => m.content).filter((c) => c.startsWith(prefix));

async function storedTexts(user: TestUser, chatId: string): Promise<string[]> {
  const texts: string[] = [];
  for (let after = 0; ; ) {
    const page = await api(server.baseUrl, 'GET', `/chats/${chatId}/messages?after=${after}&limit=200`, undefined, user.accessToken);
    texts.push(...page.body.messages.map((m: Message) => m.content));
    if (!page.body.hasMore) return texts;
    after = page.body.messages.at(-1).seq;
  }
}

const MODES = [
  { transport: 'sse', block: { webSockets: true } },
  { transport: 'long-polling', block: { webSockets: true, eventStreams: true } },
] as const;

describe.each(MODES)('with the network blocking $block: $transport', ({ transport, block }) => {
  async function chatters() {
    const [alice, bob] = await Promise.all([registerUser(server.baseUrl, 'a'), registerUser(server.baseUrl, 'b')]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const p = await proxy(block);
    const a = clientFor(alice, p.baseUrl);
    const b = clientFor(bob, p.baseUrl);
    await Promise.all([a.client.connect(), b.client.connect()]);
    return { alice, bob, chatId, p, a, b };
  }

  it(`two clients chat over ${transport}: every message once, in seq order, and each client says which transport it picked`, async () => {
    const { alice, chatId, p, a, b } = await chatters();
    expect([a.client.transport, b.client.transport]).toEqual([transport, transport]);
    expect(a.transports).toEqual([transport]);
    expect(p.seen.upgradesRefused).toBeGreaterThan(0);
    if (block.eventStreams) expect(p.seen.eventStreamsRefused).toBeGreaterThan(0);

    const texts: string[] = [];
    for (let i = 0; i < 30; i++) {
      texts.push(`a${i}`, `b${i}`);
      a.client.send(chatId, `a${i}`);
      b.client.send(chatId, `b${i}`);
    }
    await expect.poll(() => [a.messages.length, b.messages.length], { timeout: 20_000 }).toEqual([60, 60]);
    expectExactlyOnce(a.messages, chatId, texts);
    expectExactlyOnce(b.messages, chatId, texts);
    expect(a.messages.map((m) => m.id)).toEqual(b.messages.map((m) => m.id));
    expect(inSendOrder(a.messages, 'a')).toEqual(Array.from({ length: 30 }, (_, i) => `a${i}`));
    expect(inSendOrder(a.messages, 'b')).toEqual(Array.from({ length: 30 }, (_, i) => `b${i}`));
    expect((await storedTexts(alice, chatId)).sort()).toEqual([...texts].sort());
    expect([a.client.pending(), b.client.pending()]).toEqual([[], []]);
    expect(a.client.transport).toBe(transport);
  });

  it(`finds a black-holed ${transport} link by its heartbeat (a ping answered over the stream) and recovers`, async () => {
    const [alice, bob] = await Promise.all([registerUser(server.baseUrl, 'a'), registerUser(server.baseUrl, 'b')]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const blocking = await proxy(block);
    // client → flaky (can go silent) → blocking (the restrictive network) → server
    const flaky = await FlakyProxy.start(blocking.baseUrl);
    try {
      const heartbeatMs = 500;
      const a = clientFor(alice, flaky.baseUrl, { heartbeatMs, connectTimeoutMs: 1500 });
      const b = clientFor(bob, server.baseUrl);
      await Promise.all([a.client.connect(), b.client.connect()]);
      expect(a.client.transport).toBe(transport);
      await sleep(heartbeatMs * 1.3);
      flaky.mode = 'blackhole';
      const silentAt = Date.now();
      b.client.send(chatId, 'sent while the link is dead');
      await expect.poll(() => a.client.state, { interval: 10, timeout: 5000 }).toBe('reconnecting');
      expect(Date.now() - silentAt).toBeLessThan(2 * heartbeatMs + 200);
      flaky.mode = 'pass';
      flaky.dropAll();
      await expect.poll(() => a.messages.map((m) => m.content), { timeout: 10_000 }).toEqual(['sent while the link is dead']);
      expect(a.client.transport).toBe(transport);
    } finally {
      await flaky.close();
    }
  });

  it(`ticks, typing and presence work over ${transport}`, async () => {
    const [alice, bob] = await Promise.all([registerUser(server.baseUrl, 'a'), registerUser(server.baseUrl, 'b')]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const p = await proxy(block);
    const b = clientFor(bob, p.baseUrl, { autoDeliver: false });
    await b.client.connect();
    const a = clientFor(alice, p.baseUrl);
    await a.client.connect();
    await expect.poll(() => b.presence).toContainEqual(expect.objectContaining({ userId: alice.id, status: 'online' }));
    await expect.poll(async () => (await a.client.chats()).length).toBe(1);

    const local = a.client.send(chatId, 'tick tock');
    const stored = await a.client.sent(local.clientMsgId);
    await expect.poll(() => b.client.cursor(chatId)).toBe(stored.seq);
    b.client.markDelivered(chatId, stored.seq);
    await expect.poll(() => a.statuses.map((s: LocalMessage) => s.status)).toEqual(['sent', 'delivered']);
    b.client.markRead(chatId, stored.seq);
    await expect.poll(() => a.statuses.map((s: LocalMessage) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(a.client.statusOf(stored)).toBe('read');

    a.client.startTyping(chatId);
    await expect.poll(() => b.typing).toContainEqual({ chatId, userId: alice.id, state: 'start' });
    a.client.stopTyping(chatId);
    await expect.poll(() => b.typing).toContainEqual({ chatId, userId: alice.id, state: 'stop' });
    expect([a.client.transport, b.client.transport]).toEqual([transport, transport]);
  });

  it(`after dropped links, over ${transport}, resends land exactly once and catch-up fills the gaps`, async () => {
    const { alice, chatId, p, a, b } = await chatters();
    const seed = Number(process.env.FALLBACK_SEED ?? Date.now() % 100_000);
    console.log(`fallback ${transport}: FALLBACK_SEED=${seed}`);
    const random = seededRandom(seed);
    let drops = 0;
    let dropping = true;
    void (async () => {
      while (dropping) {
        await sleep(100 + random() * 250);
        if (!dropping) return;
        // Links are dropped, not attempts: two attempts cut before they hear anything count as
        // a blocked transport, which a loaded machine's slow connects would otherwise trigger.
        if (a.client.state !== 'ready' || b.client.state !== 'ready') continue;
        p.dropAll();
        drops++;
      }
    })();
    const texts: string[] = [];
    // At least 40 rounds, and on until links have been dropped a few times mid-send (a fast run can outpace the drops).
    for (let i = 0; i < 40 || (drops < 4 && i < 400); i++) {
      texts.push(`a${i}`, `b${i}`);
      a.client.send(chatId, `a${i}`);
      b.client.send(chatId, `b${i}`);
      await sleep(random() * 40);
    }
    await expect.poll(() => a.client.pending().length + b.client.pending().length, { timeout: 30_000 }).toBe(0);
    dropping = false;
    await expect.poll(() => [a.messages.length, b.messages.length], { timeout: 30_000 }).toEqual([texts.length, texts.length]);
    expectExactlyOnce(a.messages, chatId, texts);
    expectExactlyOnce(b.messages, chatId, texts);
    expect((await storedTexts(alice, chatId)).sort()).toEqual([...texts].sort());
    expect(drops).toBeGreaterThan(3);
    expect(a.states.filter((s: ConnectionState) => s === 'reconnecting').length).toBeGreaterThan(0);
    expect([a.client.transport, b.client.transport]).toEqual([transport, transport]);
  });
});

describe('choosing a transport', () => {
  it('takes the WebSocket when nothing is in the way', async () => {
    const alice = await registerUser(server.baseUrl, 'a');
    const p = await proxy();
    const a = clientFor(alice, p.baseUrl);
    await a.client.connect();
    expect(a.client.transport).toBe('websocket');
    expect(a.transports).toEqual(['websocket']);
    expect(p.seen.eventStreams).toBe(0);
  });

  it('uses a forced transport even where a better one works, and the order given', async () => {
    const alice = await registerUser(server.baseUrl, 'a');
    const forced = clientFor(alice, server.baseUrl, { transport: longPollTransport() });
    await forced.client.connect();
    expect(forced.client.transport).toBe('long-polling');
    const ordered = clientFor(alice, server.baseUrl, { transports: [sseTransport(), webSocketTransport()] });
    await ordered.client.connect();
    expect(ordered.client.transport).toBe('sse');
  });

  it('does not fall back while the server is unreachable, only when a transport is blocked', async () => {
    const alice = await registerUser(server.baseUrl, 'a');
    const p = await proxy();
    const tried: string[] = [];
    const counted = (name: string, factory: TransportFactory): TransportFactory =>
      Object.assign((o: Parameters<TransportFactory>[0], h: Parameters<TransportFactory>[1]) => (tried.push(name), factory(o, h)), { transportName: name });
    const transports = [counted('websocket', webSocketTransport()), counted('sse', sseTransport()), counted('long-polling', longPollTransport())];
    // Nothing listens on the proxy's port once it is closed.
    await p.close();
    proxies.splice(proxies.indexOf(p), 1);
    const a = clientFor(alice, p.baseUrl, { transports });
    void a.client.connect().catch(() => {});
    await sleep(800);
    expect(tried.length).toBeGreaterThan(2);
    expect(new Set(tried)).toEqual(new Set(['websocket']));
  });

  it('leaves a WebSocket that worked before only once it has kept failing for transportGiveUpMs, not after a few dropped attempts', async () => {
    const alice = await registerUser(server.baseUrl, 'a');
    const p = await proxy();
    const a = clientFor(alice, p.baseUrl, { backoff: { baseMs: 20, maxMs: 40 }, transportGiveUpMs: 1500 });
    await a.client.connect();
    expect(a.client.transport).toBe('websocket');

    p.resetWebSockets = true;
    p.dropAll();
    const lost = Date.now();
    // Every attempt is reset before the server says a word, many more than five in a row.
    await expect.poll(() => p.seen.upgradesReset, { timeout: 5000 }).toBeGreaterThan(8);
    expect(a.client.transport).toBe('websocket');
    expect(a.transports).toEqual(['websocket']);

    await expect.poll(() => a.client.transport, { timeout: 10_000 }).toBe('sse');
    expect(Date.now() - lost).toBeGreaterThanOrEqual(1500);
    expect(a.transports).toEqual(['websocket', 'sse']);
  });

  it('moves back up to the WebSocket in the background once it gets through, and keeps delivering exactly once', async () => {
    const [alice, bob] = await Promise.all([registerUser(server.baseUrl, 'a'), registerUser(server.baseUrl, 'b')]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const p = await proxy({ webSockets: true });
    const a = clientFor(alice, p.baseUrl, { transportUpgradeMs: 300 });
    const b = clientFor(bob, server.baseUrl);
    await Promise.all([a.client.connect(), b.client.connect()]);
    expect(a.client.transport).toBe('sse');
    await b.client.sent(b.client.send(chatId, 'before').clientMsgId);
    await sleep(700); // Probes keep failing while WebSockets are blocked.
    expect(a.client.transport).toBe('sse');

    p.blockWebSockets = false;
    await expect.poll(() => a.client.transport, { timeout: 5000 }).toBe('websocket');
    expect(a.transports).toEqual(['sse', 'websocket']);
    await b.client.sent(b.client.send(chatId, 'after').clientMsgId);
    await expect.poll(() => a.messages.map((m) => m.content)).toEqual(['before', 'after']);
  });
});
