import { expect } from 'vitest';
import { api, type TestUser } from './api.js';
import type { Subscriber, TestPushService } from './pushService.js';
import type { TestServer } from './server.js';
import type { TestSocket } from './socket.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What push tests do again and again, against a server and a test push service that a file's
 * `beforeAll` starts (hence getters). `graceMs` is the server's PRESENCE_GRACE_MS.
 */
export function pushTestKit(server: () => TestServer, pushService: () => TestPushService, graceMs: number) {
  /** Subscribes the device `u` is logged in as to a fresh subscriber of the test push service. */
  async function subscribe(u: TestUser, extra: Record<string, unknown> = {}): Promise<Subscriber> {
    const sub = pushService().subscriber();
    const res = await api(server().baseUrl, 'PUT', '/users/me/push-subscription', { endpoint: sub.endpoint, keys: sub.keys, ...extra }, u.accessToken);
    expect(res.status).toBe(200);
    return sub;
  }

  async function sendText(from: TestUser, chatId: string, content: string): Promise<Record<string, any>> {
    const res = await api(server().baseUrl, 'POST', `/chats/${chatId}/messages`, { clientMsgId: crypto.randomUUID(), type: 'text', content }, from.accessToken);
    expect(res.status).toBe(201);
    return res.body.message;
  }

  /** Waits until `sub` has `count` pushes, then until nothing more is on its way, and returns them all. */
  async function pushesOf(sub: Subscriber, count: number): Promise<Subscriber['received']> {
    const deadline = Date.now() + 10_000;
    while (sub.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} pushes, got ${sub.received.length}`);
      await sleep(10);
    }
    await server().parley.ctx.push.idle();
    return sub.received;
  }

  /** After `sub`'s user's socket closed: waits out the grace period, so they count as offline. */
  async function disconnect(socket: TestSocket): Promise<void> {
    socket.close();
    await socket.closed;
    await sleep(graceMs * 3);
  }

  return { subscribe, sendText, pushesOf, disconnect };
}
