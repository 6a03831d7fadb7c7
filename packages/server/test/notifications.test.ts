import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, loginDevice, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { TestPushService, verifyVapid } from './support/pushService.js';
import { pushTestKit } from './support/pushes.js';
import { startServer, tempDir, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

const GRACE_MS = 100;

let server: TestServer;
let pushService: TestPushService;
beforeAll(async () => {
  pushService = await TestPushService.start();
  server = await startServer({ PRESENCE_GRACE_MS: String(GRACE_MS), PUSH_INSECURE_ENDPOINTS: 'true', VAPID_SUBJECT: 'mailto:ops@parley.test' });
});
afterAll(async () => {
  await server.close();
  await pushService.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const user = () => registerUser(server.baseUrl);
const call = (u: TestUser, method: string, path: string, body?: unknown) => api(server.baseUrl, method, path, body, u.accessToken);
const { subscribe, sendText, pushesOf, disconnect } = pushTestKit(() => server, () => pushService, GRACE_MS);

describe('Web Push', () => {
  it('an offline member gets an encrypted push, signed with the server key, with the sender, chat and text', async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const sub = await subscribe(bob);
    const { publicKey } = (await call(bob, 'GET', '/push/config')).body;
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);

    const message = await sendText(alice, chatId, 'are you there?');
    const [push] = await pushesOf(sub, 1);
    expect(push!.payload).toEqual({
      type: 'message', chatId, chatType: 'private', messageId: message.id, seq: 1,
      sender: { id: alice.id, displayName: alice.username }, preview: 'are you there?', count: 1,
    });
    const claims = verifyVapid(push!.headers.authorization, publicKey, sub.endpoint);
    expect(claims.sub).toBe('mailto:ops@parley.test');
    expect(Number(claims.exp) * 1000).toBeGreaterThan(Date.now());
    expect(push!.headers['content-encoding']).toBe('aes128gcm');
    expect(push!.headers.ttl).toBe(String(24 * 3600));
    expect(push!.headers.urgency).toBe('high');
    expect(push!.headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('a connected member gets no push; once they are gone (grace period over) they do', async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const sub = await subscribe(bob);
    const socket = await TestSocket.connect(server.wsUrl, bob.accessToken);
    await sendText(alice, chatId, 'while you read');
    // The frame can come in before the POST's answer: look at what already arrived too.
    await socket.next((f) => f.type === 'message', 10_000, true);
    await disconnect(socket);
    await sendText(alice, chatId, 'after you left');
    const pushes = await pushesOf(sub, 1);
    expect(pushes.map((p) => p.payload.preview)).toEqual(['after you left']);
  });

  it('a member connected but away gets pushes; the sender and their own devices never do', async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const aliceOtherDevice = await subscribe(await loginDevice(server.baseUrl, alice, 'phone'));
    const sub = await subscribe(bob);
    const socket = await TestSocket.connect(server.wsUrl, bob.accessToken);
    expect((await call(bob, 'PUT', '/users/me/status', { status: 'away' })).status).toBe(200);
    await sendText(alice, chatId, 'ping');
    expect((await pushesOf(sub, 1))[0]!.payload.preview).toBe('ping');
    expect(aliceOtherDevice.received).toEqual([]);
    socket.close();
  });

  it('a group push names the group; locations and media get a label; no previews leaves the text out', async () => {
    const [alice, bob, carol] = await Promise.all([user(), user(), user()]);
    const chatId = await createGroup(server.baseUrl, alice, [bob, carol], 'Climbing');
    const bobSub = await subscribe(bob);
    const carolSub = await subscribe(carol, { previews: false });
    const res = await call(alice, 'POST', `/chats/${chatId}/messages`, { type: 'location', content: '', location: { lat: 46.5, lng: 8, name: 'Crag' } });
    expect(res.status).toBe(201);
    const [bobPush] = await pushesOf(bobSub, 1);
    expect(bobPush!.payload).toMatchObject({ chatType: 'group', chatName: 'Climbing', preview: '📍 Location: Crag', count: 1 });
    const [carolPush] = await pushesOf(carolSub, 1);
    expect(carolPush!.payload.chatName).toBe('Climbing');
    expect(carolPush!.payload).not.toHaveProperty('preview');
  });

  it('messages committed together reach a device as one push per chat, with their count and the newest text', async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const sub = await subscribe(bob);
    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    for (const text of ['one', 'two', 'three']) socket.send({ type: 'send', clientMsgId: crypto.randomUUID(), chatId, message: { type: 'text', content: text } });
    await socket.waitForCount((f) => f.type === 'ack', 3);
    const deadline = Date.now() + 10_000;
    while (sub.received.reduce((n, p) => n + p.payload.count, 0) < 3 && Date.now() < deadline) await sleep(10);
    await server.parley.ctx.push.idle();
    expect(sub.received.reduce((n, p) => n + p.payload.count, 0)).toBe(3);
    expect(sub.received.at(-1)!.payload).toMatchObject({ preview: 'three', seq: 3 });
    socket.close();
  });

  it('a long text is shortened in the preview', async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const sub = await subscribe(bob);
    await sendText(alice, chatId, 'x'.repeat(5000));
    const [push] = await pushesOf(sub, 1);
    expect(push!.payload.preview).toHaveLength(200);
    expect(push!.payload.preview.endsWith('…')).toBe(true);
  });

  it('a push service answering 410 drops the subscription; other answers keep it', async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const sub = await subscribe(bob);
    pushService.answer(sub, 500);
    await sendText(alice, chatId, 'first');
    await pushesOf(sub, 1);
    expect((await call(bob, 'GET', '/users/me/push-subscription')).status).toBe(200);
    pushService.answer(sub, 410);
    await sendText(alice, chatId, 'second');
    await pushesOf(sub, 2);
    await expect.poll(async () => (await call(bob, 'GET', '/users/me/push-subscription')).status).toBe(404);
    await sendText(alice, chatId, 'third');
    await server.parley.ctx.push.idle();
    expect(sub.received).toHaveLength(2);
  });
});

describe('push subscriptions', () => {
  it('belong to the device: replaced by a second PUT, shown by GET, removed by DELETE and by logout', async () => {
    const bob = await user();
    const first = await subscribe(bob);
    const second = await subscribe(bob, { previews: false });
    const shown = await call(bob, 'GET', '/users/me/push-subscription');
    expect(shown.body).toMatchObject({ endpoint: second.endpoint, previews: false });
    expect(shown.body.endpoint).not.toBe(first.endpoint);
    expect((await call(bob, 'DELETE', '/users/me/push-subscription')).status).toBe(204);
    expect((await call(bob, 'DELETE', '/users/me/push-subscription')).status).toBe(204);
    expect((await call(bob, 'GET', '/users/me/push-subscription')).status).toBe(404);

    const sub = await subscribe(bob);
    expect((await call(bob, 'POST', '/auth/logout')).status).toBe(204);
    const rows = await server.parley.ctx.store.db.selectFrom('push_subscriptions').select('device_id').where('endpoint', '=', sub.endpoint).execute();
    expect(rows).toEqual([]);
  });

  it('a new login in the same browser takes its endpoint over from the old device', async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const sub = await subscribe(bob);
    const again = await loginDevice(server.baseUrl, bob, 'same browser');
    expect((await call(again, 'PUT', '/users/me/push-subscription', { endpoint: sub.endpoint, keys: sub.keys })).status).toBe(200);
    expect((await call(bob, 'GET', '/users/me/push-subscription')).status).toBe(404);
    await sendText(alice, chatId, 'once');
    await pushesOf(sub, 1);
    expect(sub.received).toHaveLength(1);
  });

  it('bad subscriptions get 400 naming the field', async () => {
    const bob = await user();
    const sub = pushService.subscriber();
    const bad: Array<[unknown, string]> = [
      [{ endpoint: 'ftp://push.example/x', keys: sub.keys }, 'endpoint'],
      [{ endpoint: 'not a url', keys: sub.keys }, 'endpoint'],
      [{ endpoint: sub.endpoint }, 'keys'],
      [{ endpoint: sub.endpoint, keys: { ...sub.keys, p256dh: 'short' } }, 'p256dh'],
      [{ endpoint: sub.endpoint, keys: { ...sub.keys, auth: '!'.repeat(22) } }, 'auth'],
      [{ endpoint: sub.endpoint, keys: sub.keys, previews: 'yes' }, 'previews'],
    ];
    for (const [body, field] of bad) {
      const res = await call(bob, 'PUT', '/users/me/push-subscription', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toContain(field);
    }
    expect((await api(server.baseUrl, 'GET', '/push/config')).status).toBe(401);
  });

  it('need https unless PUSH_INSECURE_ENDPOINTS; the generated key survives a restart', async () => {
    const dataDir = tempDir();
    const strict = await startServer({}, dataDir);
    const bob = await registerUser(strict.baseUrl);
    const sub = pushService.subscriber();
    const res = await api(strict.baseUrl, 'PUT', '/users/me/push-subscription', { endpoint: sub.endpoint, keys: sub.keys }, bob.accessToken);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('endpoint: must be an https: URL');
    const key = (await api(strict.baseUrl, 'GET', '/push/config', undefined, bob.accessToken)).body.publicKey;
    await strict.close();
    const restarted = await startServer({}, dataDir);
    try {
      expect((await api(restarted.baseUrl, 'GET', '/push/config', undefined, bob.accessToken)).body.publicKey).toBe(key);
    } finally {
      await restarted.close();
    }
  });
});

describe('push endpoints on addresses that are not public', () => {
  it('are refused on subscribing unless PUSH_INSECURE_ENDPOINTS: loopback, private, link-local, mapped and local names', async () => {
    const strict = await startServer({});
    try {
      const bob = await registerUser(strict.baseUrl);
      const keys = pushService.subscriber().keys;
      for (const endpoint of [
        'https://127.0.0.1/push/x', 'https://127.1:8443/push/x', 'https://0x7f000001/push/x', 'https://10.1.2.3/push/x',
        'https://192.168.0.10/push/x', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/push/x',
        'https://[::ffff:127.0.0.1]/push/x', 'https://[fd00::1]/push/x', 'https://localhost/push/x', 'https://push.localhost./x',
      ]) {
        const res = await api(strict.baseUrl, 'PUT', '/users/me/push-subscription', { endpoint, keys }, bob.accessToken);
        expect(res.status, endpoint).toBe(400);
        expect(res.body.error.message, endpoint).toBe('endpoint: must be on a public host (not loopback, private or link-local)');
      }
      const withPassword = await api(strict.baseUrl, 'PUT', '/users/me/push-subscription', { endpoint: 'https://u:p@push.example.com/x', keys }, bob.accessToken);
      expect(withPassword.body.error.message).toBe('endpoint: must not carry a user name or password');
      const publicOne = await api(strict.baseUrl, 'PUT', '/users/me/push-subscription', { endpoint: 'https://203.1.113.7/push/x', keys }, bob.accessToken);
      expect(publicOne.status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('a stored one is refused when the push would connect: nothing is sent, the subscription is dropped and counted', async () => {
    const dataDir = tempDir();
    const lax = await startServer({ PUSH_INSECURE_ENDPOINTS: 'true' }, dataDir);
    const [alice, bob] = await Promise.all([registerUser(lax.baseUrl), registerUser(lax.baseUrl)]);
    const chatId = await openPrivateChat(lax.baseUrl, alice, bob);
    const sub = pushService.subscriber();
    expect((await api(lax.baseUrl, 'PUT', '/users/me/push-subscription', { endpoint: sub.endpoint, keys: sub.keys }, bob.accessToken)).status).toBe(200);
    await lax.close();

    const strict = await startServer({}, dataDir);
    try {
      const sent = await api(strict.baseUrl, 'POST', `/chats/${chatId}/messages`, { clientMsgId: crypto.randomUUID(), type: 'text', content: 'to loopback?' }, alice.accessToken);
      expect(sent.status).toBe(201);
      await strict.parley.ctx.push.idle();
      await sleep(50);
      expect(sub.received).toEqual([]);
      expect(await fetch(`${strict.baseUrl}/metrics`).then((r) => r.text())).toMatch(/parley_pushes_total\{outcome="refused"\} 1/);
      expect((await api(strict.baseUrl, 'GET', '/users/me/push-subscription', undefined, bob.accessToken)).status).toBe(404);
    } finally {
      await strict.close();
    }
  });
});

describe('mute', () => {
  it('mutes until unmuted: the chat says so on every device of the caller only, and no push is sent', async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const sub = await subscribe(bob);
    const bobPhone = await TestSocket.connect(server.wsUrl, (await loginDevice(server.baseUrl, bob, 'phone')).accessToken);
    const aliceSocket = await TestSocket.connect(server.wsUrl, alice.accessToken);

    // Waited for before the call: the frame can arrive before the call's answer does.
    const chatFrame = bobPhone.next((f) => f.type === 'chat' && f.chat.id === chatId);
    const muted = await call(bob, 'PUT', `/chats/${chatId}/mute`, {});
    expect(muted.status).toBe(200);
    expect(muted.body.muted).toBe(true);
    expect(muted.body).not.toHaveProperty('mutedUntil');
    const frame = await chatFrame;
    expect(frame.chat.muted).toBe(true);
    expect((await call(alice, 'GET', `/chats/${chatId}`)).body.muted).toBe(false);
    await disconnect(bobPhone);

    await sendText(alice, chatId, 'muted one');
    await server.parley.ctx.push.idle();
    expect(sub.received).toEqual([]);
    expect(aliceSocket.frames.some((f) => f.type === 'chat')).toBe(false);

    const unmuted = await call(bob, 'DELETE', `/chats/${chatId}/mute`);
    expect(unmuted.body.muted).toBe(false);
    await sendText(alice, chatId, 'loud one');
    expect((await pushesOf(sub, 1)).map((p) => p.payload.preview)).toEqual(['loud one']);
    const listed = (await call(bob, 'GET', '/users/me/chats')).body.chats.find((c: { id: string }) => c.id === chatId);
    expect(listed.muted).toBe(false);
    aliceSocket.close();
  });

  it('a timed mute shows its end and lapses by itself', async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const sub = await subscribe(bob);
    const until = new Date(Date.now() + 400).toISOString();
    const muted = await call(bob, 'PUT', `/chats/${chatId}/mute`, { until });
    expect(muted.body).toMatchObject({ muted: true, mutedUntil: until });
    await sendText(alice, chatId, 'during');
    await server.parley.ctx.push.idle();
    await sleep(500);
    expect((await call(bob, 'GET', `/chats/${chatId}`)).body.muted).toBe(false);
    await sendText(alice, chatId, 'after');
    expect((await pushesOf(sub, 1)).map((p) => p.payload.preview)).toEqual(['after']);
  });

  it('refuses a time in the past, a stranger and an unknown chat', async () => {
    const [alice, bob, eve] = await Promise.all([user(), user(), user()]);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const past = await call(bob, 'PUT', `/chats/${chatId}/mute`, { until: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toContain('until');
    expect((await call(bob, 'PUT', `/chats/${chatId}/mute`, { until: 'tomorrow' })).status).toBe(400);
    expect((await call(eve, 'PUT', `/chats/${chatId}/mute`, {})).status).toBe(403);
    expect((await call(eve, 'DELETE', `/chats/${chatId}/mute`)).status).toBe(403);
    expect((await call(bob, 'PUT', '/chats/nope/mute', {})).status).toBe(404);
  });
});
