import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, loginDevice, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { TestPushService } from './support/pushService.js';
import { startServer, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

// Refresh tokens live 2 s here, so a session dies of disuse within a test.
const TTL_SEC = 2;

let server: TestServer;
let pushService: TestPushService;
beforeAll(async () => {
  pushService = await TestPushService.start();
  server = await startServer({ REFRESH_TOKEN_TTL_SEC: String(TTL_SEC), PUSH_INSECURE_ENDPOINTS: 'true' });
});
afterAll(async () => {
  await server.close();
  await pushService.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Time passing, not a race: every refresh token issued before the call has expired when it resolves. */
const refreshTtlPassed = () => sleep(TTL_SEC * 1000 + 50);
const call = (u: TestUser, method: string, path: string, body?: unknown, on = server) => api(on.baseUrl, method, path, body, u.accessToken);
const refresh = (token: string, on = server) => api(on.baseUrl, 'POST', '/auth/refresh', { refreshToken: token });
const deviceNames = async (u: TestUser, on = server) => (await call(u, 'GET', '/users/me/devices', undefined, on)).body.devices.map((d: any) => d.name);
const closeCode = (socket: TestSocket, ms = 5000): Promise<number | 'still open'> =>
  Promise.race([socket.closed.then((c) => c.code), sleep(ms).then(() => 'still open' as const)]);
const tokensOf = (userId: string) =>
  server.parley.ctx.store.db.selectFrom('refresh_tokens').innerJoin('devices', 'devices.id', 'refresh_tokens.device_id')
    .select(['refresh_tokens.used_at']).where('devices.user_id', '=', userId).execute();

describe('dead sessions', () => {
  it('a device that can no longer refresh leaves the device list and its open socket closes with 4003; a live device stays', async () => {
    const user = await registerUser(server.baseUrl); // the browser that is thrown away
    const socket = await TestSocket.connect(server.wsUrl, user.accessToken);
    await refreshTtlPassed();
    const phone = await loginDevice(server.baseUrl, user, 'phone');
    expect(await deviceNames(phone)).toEqual(['unnamed device', 'phone']);

    await server.parley.sweeper.run('sessions');
    expect(await closeCode(socket)).toBe(4003);
    expect(await deviceNames(phone)).toEqual(['phone']);
    expect((await call(user, 'GET', '/users/me')).status).toBe(401);
    const rotated = await refresh(phone.refreshToken);
    expect(rotated.status).toBe(200);
    expect((await api(server.baseUrl, 'GET', '/users/me', undefined, rotated.body.accessToken)).status).toBe(200);
  });

  it('removes the push subscription of a dead session: its browser gets no more pushes', async () => {
    const [alice, bob] = await Promise.all([registerUser(server.baseUrl), registerUser(server.baseUrl)]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const sub = pushService.subscriber();
    expect((await call(bob, 'PUT', '/users/me/push-subscription', { endpoint: sub.endpoint, keys: sub.keys })).status).toBe(200);
    const send = async (content: string) => {
      const fresh = await loginDevice(server.baseUrl, alice, 'sending'); // Alice's own tokens die of the short TTL too
      expect((await call(fresh, 'POST', `/chats/${chatId}/messages`, { clientMsgId: crypto.randomUUID(), type: 'text', content })).status).toBe(201);
      await server.parley.ctx.push.idle();
    };
    await send('before');
    expect(sub.received).toHaveLength(1); // Bob is not connected: his subscription gets a push

    await refreshTtlPassed();
    await server.parley.sweeper.run('sessions');
    await send('after');
    expect(sub.received).toHaveLength(1);
    const rows = await server.parley.ctx.store.db.selectFrom('push_subscriptions').select('device_id').where('endpoint', '=', sub.endpoint).execute();
    expect(rows).toEqual([]);
  });

  it('deletes the expired refresh tokens of a device that lives on; its current token still works', async () => {
    const user = await registerUser(server.baseUrl);
    await sleep(1200);
    const first = await refresh(user.refreshToken); // the registration's token is used and expires 0.8 s from now
    expect(first.status).toBe(200);
    await sleep(900);
    expect((await tokensOf(user.id)).map((t) => t.used_at !== null).sort()).toEqual([false, true]);

    await server.parley.sweeper.run('sessions');
    expect((await tokensOf(user.id)).map((t) => t.used_at)).toEqual([null]);
    expect(await deviceNames({ ...user, accessToken: first.body.accessToken })).toEqual(['unnamed device']);
    expect((await refresh(first.body.refreshToken)).status).toBe(200);
  });

  it('sweeps more devices than fit in one batch, dead ones only', async () => {
    const user = await registerUser(server.baseUrl);
    const now = Date.now();
    const devices = Array.from({ length: 1234 }, (_, i) => ({ id: `${user.id}-${String(i).padStart(4, '0')}`, user_id: user.id, name: `old ${i}`, created_at: now, last_seen_at: now }));
    // Every device has a token that expired; odd ones also one that has not.
    const tokens = devices.flatMap((d, i) => [
      { token_hash: `${d.id}-a`, device_id: d.id, expires_at: now - 1000, used_at: now - 2000 },
      ...(i % 2 === 1 ? [{ token_hash: `${d.id}-b`, device_id: d.id, expires_at: now + 3_600_000, used_at: null }] : []),
    ]);
    const db = server.parley.ctx.store.db;
    for (let i = 0; i < devices.length; i += 400) await db.insertInto('devices').values(devices.slice(i, i + 400)).execute();
    for (let i = 0; i < tokens.length; i += 400) await db.insertInto('refresh_tokens').values(tokens.slice(i, i + 400)).execute();

    const swept = await server.parley.sweeper.run('sessions');
    expect(swept.devices).toBeGreaterThanOrEqual(617);
    expect(swept.refresh_tokens).toBeGreaterThanOrEqual(1234);
    const left = await deviceNames(user);
    expect(left).toHaveLength(1 + 617);
    expect(left.filter((n: string) => n.startsWith('old ')).every((n: string) => Number(n.slice(4)) % 2 === 1)).toBe(true);
    expect(await tokensOf(user.id)).toHaveLength(1 + 617);
  });

  it('runs by itself every SWEEP_INTERVAL_SEC and counts what it removed', async () => {
    const swept = await startServer({ REFRESH_TOKEN_TTL_SEC: String(TTL_SEC), SWEEP_INTERVAL_SEC: '1' });
    try {
      const user = await registerUser(swept.baseUrl);
      const socket = await TestSocket.connect(swept.wsUrl, user.accessToken);
      // Dead after the TTL; swept at most about an interval later.
      expect(await closeCode(socket, 10_000)).toBe(4003);
      const again = await loginDevice(swept.baseUrl, user, 'again');
      expect(await deviceNames(again, swept)).toEqual(['again']);
      const metrics = await (await fetch(`${swept.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(/^parley_swept_total\{kind="devices"\} [1-9]/m);
    } finally {
      await swept.close();
    }
  });
});
