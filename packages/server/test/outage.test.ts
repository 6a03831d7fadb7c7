import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { databaseEnv } from './support/backend.js';
import { freePort, killAllChildren, startChild, type ChildServer } from './support/childServer.js';
import { startPostgres, startRedis, type Service } from './support/services.js';
import { TestSocket } from './support/socket.js';
import { tempDir } from './support/server.js';

// PostgreSQL and Redis of their own, so restarting them disturbs no other test file.
let postgres: Service;
let redis: Service;
let a: ChildServer;
let b: ChildServer;
let alice: TestUser;
let bob: TestUser;
let chatId: string;

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const env = await databaseEnv(postgres.url, redis.url, tempDir());
  [a, b] = await Promise.all([0, 1].map(async () => startChild(tempDir(), await freePort(), env)));
  [alice, bob] = [await registerUser(a.baseUrl, 'o'), await registerUser(b.baseUrl, 'o')];
  chatId = await openPrivateChat(a.baseUrl, alice, bob);
});
afterAll(async () => {
  await killAllChildren();
  await Promise.all([postgres?.stop(), redis?.stop()]);
});

const alive = (node: ChildServer) => node.child.exitCode === null && node.child.signalCode === null;

/** Sends until one message from node A reaches node B live (the bus is back), or gives up. */
async function untilLive(from: TestSocket, to: TestSocket, timeoutMs = 20_000): Promise<number> {
  const started = Date.now();
  for (let n = 0; Date.now() - started < timeoutMs; n++) {
    const ack = await from.sendText(chatId, `probe ${n}`);
    if (ack.type === 'ack') {
      const seq = ack.message.seq;
      const got = await to.next((f) => f.type === 'message' && f.message.seq === seq, 500, true).catch(() => undefined);
      if (got) return Date.now() - started;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('live delivery did not come back');
}

describe('dependencies restarting under a running cluster', () => {
  it('Redis restarts: sends keep being stored and acked, cross-node delivery resumes, nothing crashes', async () => {
    const sa = await TestSocket.connect(a.wsUrl, alice.accessToken);
    const sb = await TestSocket.connect(b.wsUrl, bob.accessToken);
    await untilLive(sa, sb);

    await redis.restart(500);
    // Storage does not depend on Redis: the message is durable and acked at once.
    expect((await sa.sendText(chatId, 'during the redis restart')).type).toBe('ack');
    const resumedAfter = await untilLive(sa, sb);
    expect(alive(a) && alive(b)).toBe(true);
    expect(a.output()).toMatch(/redis connection error; retrying/);

    // What B's client missed live while the bus was down, it gets by catch-up.
    const last = (await sa.sendText(chatId, 'after')).message.seq;
    sb.send({ type: 'sync', cursors: { [chatId]: 0 } });
    const synced = await sb.next((f) => f.type === 'synced');
    expect(synced.chats[0].messages.map((m: { seq: number }) => m.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    console.log(`redis restart: cross-node delivery back ${resumedAfter} ms after redis was up`);
    sa.close();
    sb.close();
  });

  it('PostgreSQL restarts: sends are refused as unavailable (never acked unstored), then the same clientMsgIds land once', async () => {
    const sa = await TestSocket.connect(a.wsUrl, alice.accessToken);
    const before = (await sa.sendText(chatId, 'before the outage')).message.seq;

    const restarting = postgres.restart(1500);
    await new Promise((r) => setTimeout(r, 300));
    const during = await sa.sendText(chatId, 'during the outage', 'outage-1');
    expect(during).toMatchObject({ type: 'error', ref: 'outage-1', error: { code: 'unavailable' } });
    await restarting;

    let retried;
    for (let i = 0; i < 50; i++) {
      retried = await sa.sendText(chatId, 'during the outage', 'outage-1');
      if (retried.type === 'ack') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(retried).toMatchObject({ type: 'ack', message: { seq: before + 1, clientMsgId: 'outage-1' } });
    expect((await sa.sendText(chatId, 'during the outage', 'outage-1')).message.seq).toBe(before + 1);
    expect(alive(a) && alive(b)).toBe(true);
    expect(a.output()).toMatch(/message batch failed to commit|postgres connection lost/);
    const history = await api(b.baseUrl, 'GET', `/chats/${chatId}/messages?after=${before}`, undefined, bob.accessToken);
    expect(history.body.messages.map((m: { clientMsgId: string }) => m.clientMsgId)).toEqual(['outage-1']);
    sa.close();
  });
});
