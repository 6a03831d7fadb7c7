import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, loginDevice, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { RECENT_DEVICE_TTL_MS } from '../src/accounts/RecentDevices.js';
import { RATE_LIMIT_SYNC_MS } from '../src/http/ClusterRateLimitStore.js';
import { clusterEnv } from './support/backend.js';
import { freePort, startChild, type ChildServer } from './support/childServer.js';
import { TestSocket } from './support/socket.js';
import { TestPushService } from './support/pushService.js';
import { tempDir } from './support/server.js';

// Three server processes sharing one PostgreSQL database and one Redis: what a deployment
// behind a load balancer runs.
let nodes: ChildServer[] = [];
let clusterNodeEnv: Record<string, string> = {};
const dataDir = tempDir();

beforeAll(async () => {
  // A generous hold makes the in-order assertion below deterministic on a loaded machine.
  const env = { ...(await clusterEnv(dataDir)), ORDER_HOLD_MS: '2000', PRESENCE_GRACE_MS: '300', PRESENCE_NODE_TTL_MS: '1500', PUSH_INSECURE_ENDPOINTS: 'true' };
  clusterNodeEnv = env;
  nodes = await Promise.all([0, 1, 2].map(async () => startChild(tempDir(), await freePort(), env)));
});
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.crash()));
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('three nodes sharing PostgreSQL and Redis', () => {
  it('a user on one node chats 1:1 with a user on another', async () => {
    const alice = await registerUser(nodes[0]!.baseUrl);
    const bob = await registerUser(nodes[1]!.baseUrl); // accounts are shared: any node serves anyone
    const chatId = await openPrivateChat(nodes[2]!.baseUrl, alice, bob);
    const a = await TestSocket.connect(nodes[0]!.wsUrl, alice.accessToken);
    const b = await TestSocket.connect(nodes[1]!.wsUrl, bob.accessToken);
    const ack = await a.sendText(chatId, 'across nodes');
    expect((await b.next((f) => f.type === 'message', 10_000, true)).message).toEqual(ack.message);
    const reply = await b.sendText(chatId, 'and back');
    expect((await a.next((f) => f.type === 'message', 10_000, true)).message).toEqual(reply.message);
    a.close();
    b.close();
  });

  it('a group spread over three nodes: every device gets every message exactly once, gapless, in seq order', async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < 6; i++) users.push(await registerUser(nodes[i % 3]!.baseUrl, 'n'));
    const chatId = await createGroup(nodes[0]!.baseUrl, users[0]!, users.slice(1), 'spread');
    // Each user on two devices, on two different nodes.
    const devices = await Promise.all(
      users.flatMap((u, i) => [TestSocket.connect(nodes[i % 3]!.wsUrl, u.accessToken), TestSocket.connect(nodes[(i + 1) % 3]!.wsUrl, u.accessToken)]),
    );
    const perSender = 40;
    const acks = await Promise.all(
      users.map((_, i) => Promise.all(Array.from({ length: perSender }, (_, n) => devices[i * 2]!.sendText(chatId, `${i}:${n}:${crypto.randomUUID()}`)))),
    );
    const total = users.length * perSender;
    const acked = acks.flat().map((f) => f.message);
    expect(acked.map((m) => m.seq).sort((x, y) => x - y)).toEqual(range(total));

    let outOfOrder = 0;
    for (const [d, device] of devices.entries()) {
      const ownAcks = d % 2 === 0 ? perSender : 0; // the first device of each user sent; it has those as acks
      const frames = await device.waitForCount((f) => f.type === 'message', total - ownAcks, 20_000);
      const seqs = frames.map((f) => f.message.seq);
      outOfOrder += seqs.filter((s, i) => i > 0 && s < seqs[i - 1]!).length;
      const all = [...seqs, ...(d % 2 === 0 ? acks[d / 2]!.map((f) => f.message.seq) : [])].sort((x, y) => x - y);
      expect(all).toEqual(range(total)); // exactly once each, no gaps
    }
    await new Promise((r) => setTimeout(r, 300));
    for (const device of devices) expect(device.frames.filter((f) => f.type === 'message').length).toBeLessThanOrEqual(total);
    expect(outOfOrder).toBe(0); // each node puts messages from the others back into seq order
    console.log(`multi-node group: ${total} messages to ${devices.length} devices on 3 nodes, all in seq order`);

    const first = await api(nodes[2]!.baseUrl, 'GET', `/chats/${chatId}/messages?after=0&limit=200`, undefined, users[5]!.accessToken);
    const rest = await api(nodes[2]!.baseUrl, 'GET', `/chats/${chatId}/messages?after=200&limit=200`, undefined, users[5]!.accessToken);
    expect([...first.body.messages, ...rest.body.messages].map((m: { seq: number }) => m.seq)).toEqual(range(total));
    devices.forEach((d) => d.close());
  });

  it('seqs stay gapless when every node writes to one chat at once', async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < 3; i++) users.push(await registerUser(nodes[i]!.baseUrl, 'w'));
    const chatId = await createGroup(nodes[0]!.baseUrl, users[0]!, users.slice(1), 'contended');
    const sockets = await Promise.all(users.map((u, i) => TestSocket.connect(nodes[i]!.wsUrl, u.accessToken)));
    const acks = await Promise.all(sockets.map((s, i) => Promise.all(Array.from({ length: 150 }, (_, n) => s.sendText(chatId, `${i}-${n}`)))));
    const seqs = acks.flat().map((f) => f.message.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(range(450));
    sockets.forEach((s) => s.close());
  });

  it('rate limits are shared: a client that spent its budget on one node is refused by another', async () => {
    const env = { ...(await clusterEnv(tempDir())), AUTH_RATE_PER_MIN: '4' };
    const [a, b] = await Promise.all([0, 1].map(async () => startChild(tempDir(), await freePort(), env)));
    const user = await registerUser(a.baseUrl, 'rl');
    const login = (node: ChildServer) => api(node.baseUrl, 'POST', '/auth/login', { username: user.username, password: user.password });
    // Each auth route has its own budget of 4 per minute: four logins across both nodes, then no more.
    for (const node of [a, b, a, b]) expect((await login(node)).status).toBe(200);
    const refused = await login(a);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await Promise.all([a.crash(), b.crash()]);
  });

  it('the REST budget is shared: what one node admitted is refused by another within a sync interval', async () => {
    const env = { ...(await clusterEnv(tempDir())), HTTP_RATE_PER_MIN: '12' };
    const [a, b] = await Promise.all([0, 1].map(async () => startChild(tempDir(), await freePort(), env)));
    const user = await registerUser(a.baseUrl, 'rb'); // the auth routes have their own budget
    const me = (node: ChildServer) => api(node.baseUrl, 'GET', '/users/me', undefined, user.accessToken);
    // Counted on the node as they come: one node alone admits exactly its budget.
    let admitted = 0;
    while ((await me(a)).status === 200) admitted++;
    expect(admitted).toBe(12);
    await new Promise((r) => setTimeout(r, RATE_LIMIT_SYNC_MS * 3));
    const refused = await me(b); // b admitted nothing itself, but has learnt a's count
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await Promise.all([a.crash(), b.crash()]);
  });

  it('a device revoked on one node is refused by the others as soon as the bus tells them, well inside RECENT_DEVICE_TTL_MS', async () => {
    const [alice, bob] = [await registerUser(nodes[0]!.baseUrl), await registerUser(nodes[0]!.baseUrl)];
    const chatId = await openPrivateChat(nodes[0]!.baseUrl, alice, bob);
    const phone = await loginDevice(nodes[0]!.baseUrl, alice, 'phone');
    const history = (node: ChildServer) => api(node.baseUrl, 'GET', `/chats/${chatId}/messages`, undefined, phone.accessToken);
    // Nodes 2 and 3 have just found the phone valid, so each remembers it.
    expect((await history(nodes[1]!)).status).toBe(200);
    expect((await history(nodes[2]!)).status).toBe(200);
    const phoneId = (await api(nodes[1]!.baseUrl, 'GET', '/users/me/devices', undefined, phone.accessToken)).body.devices.find((d: any) => d.current).id;

    const revoked = Date.now();
    expect((await api(nodes[0]!.baseUrl, 'DELETE', `/users/me/devices/${phoneId}`, undefined, alice.accessToken)).status).toBe(204);
    for (const node of [nodes[1]!, nodes[2]!]) {
      while ((await history(node)).status === 200) await new Promise((r) => setTimeout(r, 10));
    }
    expect(Date.now() - revoked).toBeLessThan(RECENT_DEVICE_TTL_MS);
    expect((await history(nodes[1]!)).status).toBe(401);
  });

  it('presence spans nodes: online while any device on any node is connected; a dead node\'s users go offline', async () => {
    const [xavier, wendy] = [await registerUser(nodes[0]!.baseUrl, 'p'), await registerUser(nodes[0]!.baseUrl, 'p')];
    await openPrivateChat(nodes[0]!.baseUrl, xavier, wendy); // chat peers see each other's presence
    const watch = await TestSocket.connect(nodes[2]!.wsUrl, wendy.accessToken);
    const isX = (status: string) => (f: { type: string; userId?: string; status?: string }) => f.type === 'presence' && f.userId === xavier.id && f.status === status;

    const onA = await TestSocket.connect(nodes[0]!.wsUrl, xavier.accessToken);
    await watch.next(isX('online'), 10_000, true);
    const onB = await TestSocket.connect(nodes[1]!.wsUrl, xavier.accessToken);
    onA.close();
    await new Promise((r) => setTimeout(r, 1200)); // well past the 300 ms grace
    expect(watch.frames.filter(isX('offline'))).toEqual([]);
    const seen = await api(nodes[2]!.baseUrl, 'GET', `/users/${xavier.id}/presence`, undefined, wendy.accessToken);
    expect(seen.body.status).toBe('online');
    onB.close();
    const offline = await watch.next(isX('offline'), 10_000, true);
    expect(offline.lastSeen).toEqual(expect.any(String));

    // A node that dies without a word: its users go offline once its heartbeat key expires.
    const doomed = await startChild(tempDir(), await freePort(), clusterNodeEnv);
    const before = watch.frames.length;
    const onDoomed = await TestSocket.connect(doomed.wsUrl, xavier.accessToken);
    await watch.next((f) => isX('online')(f) && watch.frames.indexOf(f) >= before, 10_000, true);
    const killedAt = Date.now();
    await doomed.crash();
    await watch.next((f) => isX('offline')(f) && watch.frames.indexOf(f) > before, 15_000, true);
    console.log(`presence: a killed node's user went offline ${Date.now() - killedAt} ms after SIGKILL (node TTL 1500 ms)`);
    void onDoomed;
    watch.close();
  });

  it('a push goes out only while the user is connected on no node', async () => {
    const pushService = await TestPushService.start();
    try {
      const alice = await registerUser(nodes[0]!.baseUrl);
      const bob = await registerUser(nodes[0]!.baseUrl);
      const chatId = await openPrivateChat(nodes[0]!.baseUrl, alice, bob);
      const sub = pushService.subscriber();
      expect((await api(nodes[0]!.baseUrl, 'PUT', '/users/me/push-subscription', { endpoint: sub.endpoint, keys: sub.keys }, bob.accessToken)).status).toBe(200);
      const send = async (content: string) =>
        expect((await api(nodes[2]!.baseUrl, 'POST', `/chats/${chatId}/messages`, { type: 'text', content }, alice.accessToken)).status).toBe(201);
      const bobSocket = await TestSocket.connect(nodes[1]!.wsUrl, bob.accessToken);
      await send('while connected on another node');
      await bobSocket.next((f) => f.type === 'message', 10_000, true);
      bobSocket.close();
      await bobSocket.closed;
      await new Promise((r) => setTimeout(r, 1000)); // the grace period, and the leave reaching Redis
      await send('after leaving');
      await expect.poll(() => sub.received.length, { timeout: 10_000 }).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 300));
      expect(sub.received.map((p) => p.payload.preview)).toEqual(['after leaving']);
    } finally {
      await pushService.close();
    }
  });
});
