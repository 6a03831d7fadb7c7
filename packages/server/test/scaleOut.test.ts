import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { clusterEnv } from './support/backend.js';
import { freePort, killAllChildren, startChild, type ChildServer } from './support/childServer.js';
import { startNginx, type Nginx } from './support/nginx.js';
import { TestSocket } from './support/socket.js';
import { tempDir } from './support/server.js';

// The tested deployment path: deploy/nginx/parley.conf in front of three nodes on one
// PostgreSQL and one Redis.
let nodes: ChildServer[] = [];
let nginx: Nginx;
let env: Record<string, string>;

beforeAll(async () => {
  env = await clusterEnv(tempDir());
  nodes = await Promise.all([0, 1, 2].map(async () => startChild(tempDir(), await freePort(), env)));
  nginx = await startNginx(nodes.map((n) => n.port));
});
afterAll(async () => {
  await nginx?.stop();
  await killAllChildren();
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('behind nginx', () => {
  it('users register, open a group and chat through the proxy, over WebSocket and REST', async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < 4; i++) users.push(await registerUser(nginx.baseUrl, 'x'));
    const chatId = await createGroup(nginx.baseUrl, users[0]!, users.slice(1), 'proxied');
    const sockets = await Promise.all(users.map((u) => TestSocket.connect(nginx.wsUrl, u.accessToken)));
    await Promise.all(sockets.map((s, i) => Promise.all(Array.from({ length: 25 }, (_, n) => s.sendText(chatId, `${i}/${n}`)))));
    for (const s of sockets) {
      const got = await s.waitForCount((f) => f.type === 'message', 75);
      expect(got).toHaveLength(75);
    }
    const viaRest = await api(nginx.baseUrl, 'POST', `/chats/${chatId}/messages`, { type: 'text', content: 'over REST', clientMsgId: 'r-1' }, users[1]!.accessToken);
    expect(viaRest.status).toBe(201);
    expect(viaRest.body.message.seq).toBe(101);
    sockets.forEach((s) => s.close());
  });

  it("keeps a device's long polls on one node: its mailbox is found every time, messages and events arrive", async () => {
    const [alice, bob] = [await registerUser(nginx.baseUrl, 'p'), await registerUser(nginx.baseUrl, 'p')];
    const chatId = await openPrivateChat(nginx.baseUrl, alice, bob);
    const poll = async (body: Record<string, unknown>) => (await api(nginx.baseUrl, 'POST', '/poll', { timeoutMs: 0, ...body }, bob.accessToken)).body;
    const first = await poll({});
    expect(first.events[0].type).toBe('ready');
    let after = first.after;
    let cursor = 0;
    for (let round = 1; round <= 6; round++) {
      await api(nginx.baseUrl, 'POST', `/chats/${chatId}/messages`, { type: 'text', content: `m${round}`, clientMsgId: `lp-${round}` }, alice.accessToken);
      const reply = await poll({ after, cursors: { [chatId]: cursor }, timeoutMs: 5000 });
      expect(reply.reset).toBeUndefined();
      expect(reply.chats.flatMap((c: { messages: Array<{ content: string }> }) => c.messages.map((m) => m.content))).toEqual([`m${round}`]);
      after = reply.after;
      // Receipts reach only live connections: seeing alice's shows the poll reads this device's mailbox.
      await api(nginx.baseUrl, 'POST', `/chats/${chatId}/read`, { seq: round }, alice.accessToken);
      const events = await poll({ after, timeoutMs: 5000 });
      expect(events.reset).toBeUndefined();
      expect(events.events).toContainEqual(expect.objectContaining({ type: 'receipt', userId: alice.id, readSeq: round }));
      [after, cursor] = [events.after, cursor + 1];
    }
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM: clients are told to reconnect (4503), acked sends are kept, in-flight ones land once after resending, the node exits 0', async () => {
    const draining = await startChild(tempDir(), await freePort(), env);
    const survivor = nodes[0]!;
    const [alice, bob] = [await registerUser(survivor.baseUrl, 'd'), await registerUser(survivor.baseUrl, 'd')];
    const chatId = await createGroup(survivor.baseUrl, alice, [bob], 'drain');
    const onDraining = await TestSocket.connect(draining.wsUrl, alice.accessToken);
    const watcher = await TestSocket.connect(survivor.wsUrl, bob.accessToken);

    // Some sends acked, a burst still in flight when the signal lands.
    const sent = Array.from({ length: 300 }, () => crypto.randomUUID());
    const replies = sent.slice(0, 100).map((id) => onDraining.sendText(chatId, `m ${id}`, id).catch(() => undefined));
    await onDraining.waitForCount((f) => f.type === 'ack', 30);
    replies.push(...sent.slice(100).map((id) => onDraining.sendText(chatId, `m ${id}`, id).catch(() => undefined)));
    draining.child.kill('SIGTERM');
    const closed = await onDraining.closed;
    expect(closed.code).toBe(4503);
    expect((await draining.exited).code).toBe(0);
    await Promise.race([Promise.all(replies), new Promise((r) => setTimeout(r, 1000))]);

    // Everything acked is stored; the rest is resent through another node, exactly once.
    const acked = onDraining.frames.filter((f) => f.type === 'ack').map((f) => f.clientMsgId as string);
    const again = await TestSocket.connect(survivor.wsUrl, alice.accessToken);
    const resent = await Promise.all(sent.filter((id) => !acked.includes(id)).map((id) => again.sendText(chatId, `m ${id}`, id)));
    expect(resent.every((f) => f.type === 'ack')).toBe(true);
    const pages = [
      await api(survivor.baseUrl, 'GET', `/chats/${chatId}/messages?after=0&limit=200`, undefined, bob.accessToken),
      await api(survivor.baseUrl, 'GET', `/chats/${chatId}/messages?after=200&limit=200`, undefined, bob.accessToken),
    ];
    const stored = pages.flatMap((p) => p.body.messages);
    expect(stored.map((m: { seq: number }) => m.seq)).toEqual(range(300));
    expect(new Set(stored.map((m: { clientMsgId: string }) => m.clientMsgId))).toEqual(new Set(sent));
    console.log(`graceful shutdown: ${acked.length} acked before SIGTERM completed, ${300 - acked.length} resent elsewhere`);
    again.close();
    watcher.close();
  });
});
