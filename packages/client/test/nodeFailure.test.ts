import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemoryStore, ParleyClient, type Message } from '../src/index.js';
import { api, createGroup, registerUser, type TestUser } from '../../server/test/support/api.js';
import { clusterEnv } from '../../server/test/support/backend.js';
import { freePort, killAllChildren, startChild, type ChildServer } from '../../server/test/support/childServer.js';
import { startNginx, type Nginx } from '../../server/test/support/nginx.js';
import { tempDir } from '../../server/test/support/server.js';

// Three nodes on PostgreSQL + Redis behind nginx (deploy/nginx/parley.conf), SDK clients
// sending at a steady rate, and one node SIGKILLed in the middle.
const CLIENTS = 6;
const PER_CLIENT = 120;
const INTERVAL_MS = 20;

let nodes: ChildServer[] = [];
let nginx: Nginx;
beforeAll(async () => {
  const env = await clusterEnv(tempDir());
  nodes = await Promise.all([0, 1, 2].map(async () => startChild(tempDir(), await freePort(), env)));
  nginx = await startNginx(nodes.map((n) => n.port));
});
afterAll(async () => {
  await nginx?.stop();
  await killAllChildren();
});

interface Peer {
  user: TestUser;
  client: ParleyClient;
  received: Message[];
  acked: Set<string>;
  reconnects: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('a node killed under load: its clients reconnect through nginx, resend, catch up; zero acked lost, zero duplicates', async () => {
  const users = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => registerUser(nginx.baseUrl, `k${i}`)));
  const chatId = await createGroup(nginx.baseUrl, users[0]!, users.slice(1), 'failover');
  const peers: Peer[] = users.map((user) => {
    const client = new ParleyClient({ baseUrl: nginx.baseUrl, store: new MemoryStore(), heartbeatMs: 1000, connectTimeoutMs: 2000, backoff: { baseMs: 100, maxMs: 1000 } });
    client.session = { user: { id: user.id, username: user.username, displayName: user.username }, accessToken: user.accessToken, refreshToken: user.refreshToken };
    const peer: Peer = { user, client, received: [], acked: new Set(), reconnects: 0 };
    client.on('message', (m) => peer.received.push(m));
    client.on('state', (s) => s === 'reconnecting' && peer.reconnects++);
    return peer;
  });
  await Promise.all(peers.map((p) => p.client.connect()));

  // Steady load: every client sends one message every INTERVAL_MS; the victim dies a third of the way in.
  const victim = nodes[0]!;
  let ackedBeforeKill = 0;
  let killedAt = 0;
  const sending = peers.map(async (peer, i) => {
    for (let n = 0; n < PER_CLIENT; n++) {
      const local = peer.client.send(chatId, `${i}:${n}`);
      peer.client.sent(local.clientMsgId).then(() => peer.acked.add(local.clientMsgId), () => undefined);
      if (i === 0 && n === Math.floor(PER_CLIENT / 3)) {
        ackedBeforeKill = peers.reduce((sum, p) => sum + p.acked.size, 0);
        killedAt = Date.now();
        void victim.crash();
      }
      await sleep(INTERVAL_MS);
    }
  });
  await Promise.all(sending);
  const total = CLIENTS * PER_CLIENT;
  await expect
    .poll(() => peers.every((p) => p.client.pending().length === 0 && p.client.cursor(chatId) === total), { timeout: 45_000, interval: 100 })
    .toBe(true);
  const recoveredAfter = Date.now() - killedAt;

  // The store: every message once, gapless.
  const stored: Message[] = [];
  for (let after = 0; ; after += 200) {
    const page = await api(nginx.baseUrl, 'GET', `/chats/${chatId}/messages?after=${after}&limit=200`, undefined, users[1]!.accessToken);
    stored.push(...page.body.messages);
    if (!page.body.hasMore) break;
  }
  expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  const byClientMsgId = new Map(stored.map((m) => [m.clientMsgId, m]));
  expect(byClientMsgId.size).toBe(total); // zero duplicates
  for (const peer of peers) for (const id of peer.acked) expect(byClientMsgId.has(id)).toBe(true); // zero acked lost

  // Every client ends with every message exactly once, in seq order.
  for (const peer of peers) expect(peer.received.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  const reconnects = peers.reduce((n, p) => n + p.reconnects, 0);
  console.log(
    `node failure: ${total} messages from ${CLIENTS} clients, ${ackedBeforeKill} acked when the node was killed, ` +
      `${reconnects} reconnects, all clients current ${recoveredAfter} ms after the kill; 0 lost, 0 duplicates`,
  );
  expect(reconnects).toBeGreaterThan(0); // the kill really cut some clients off
  await Promise.all(peers.map((p) => p.client.close()));
});
