import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyClient, ParleyError, type Chat } from '../src/index.js';
import { TestPushService } from '../../server/test/support/pushService.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { uniqueName } from '../../server/test/support/api.js';

let server: TestServer;
let pushService: TestPushService;
beforeAll(async () => {
  pushService = await TestPushService.start();
  // The test push service is plain http on loopback; a short grace period makes a closed client offline soon.
  server = await startServer({ PUSH_INSECURE_ENDPOINTS: 'true', PRESENCE_GRACE_MS: '50' });
});
afterAll(async () => {
  await server.close();
  await pushService.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const clients: ParleyClient[] = [];
afterAll(() => Promise.all(clients.map((c) => c.close())));

async function signedUp(): Promise<{ client: ParleyClient; username: string }> {
  const client = new ParleyClient({ baseUrl: server.baseUrl });
  const username = uniqueName('push');
  await client.register(username, 'a long enough password');
  clients.push(client);
  return { client, username };
}

async function loggedIn(username: string): Promise<ParleyClient> {
  const client = new ParleyClient({ baseUrl: server.baseUrl });
  await client.login(username, 'a long enough password');
  clients.push(client);
  return client;
}

/** Every push the server started has reached the push service (or failed). */
const pushesSettled = async () => {
  await sleep(50);
  await server.parley.ctx.push.idle();
};

describe('notifications through the SDK', () => {
  it('subscribes this device, gets the pushes of a chat, and removes the subscription', async () => {
    const [{ client: alice }, { client: bob }] = await Promise.all([signedUp(), signedUp()]);
    const chat = await alice.openPrivateChat(bob.session!.user.id);
    await alice.connect(); // the sender; bob stays offline
    const { publicKey } = await bob.pushConfig();
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);

    const sub = pushService.subscriber();
    const stored = await bob.setPushSubscription({ endpoint: sub.endpoint, keys: sub.keys, previews: false });
    expect(stored).toEqual({ endpoint: sub.endpoint, previews: false, createdAt: expect.any(String) });
    await alice.sent(alice.send(chat.id, 'are you there?').clientMsgId);
    await pushesSettled();
    expect(sub.received.map((p) => p.payload)).toEqual([expect.objectContaining({ type: 'message', chatId: chat.id, count: 1 })]);
    expect(sub.received[0]!.payload).not.toHaveProperty('preview');

    await bob.removePushSubscription();
    await bob.removePushSubscription(); // none left: still fine
    await alice.sent(alice.send(chat.id, 'hello?').clientMsgId);
    await pushesSettled();
    expect(sub.received).toHaveLength(1);
  });

  it('muting returns the chat, tells this client and the user’s other devices, and stops the pushes', async () => {
    const [{ client: alice }, { client: bob, username }] = await Promise.all([signedUp(), signedUp()]);
    const bobPhone = await loggedIn(username);
    const chat = await alice.openPrivateChat(bob.session!.user.id);
    await alice.connect();
    const sub = pushService.subscriber();
    await bob.setPushSubscription({ endpoint: sub.endpoint, keys: sub.keys });
    const seen: Chat[] = [];
    const seenOnPhone: Chat[] = [];
    bob.on('chat', (c) => seen.push(c));
    bobPhone.on('chat', (c) => seenOnPhone.push(c));
    await bobPhone.connect();
    await bobPhone.chats();
    expect(seenOnPhone.at(-1)).toMatchObject({ id: chat.id, muted: false });

    const until = new Date(Date.now() + 8 * 3_600_000);
    const muted = await bob.muteChat(chat.id, until);
    expect(muted).toMatchObject({ id: chat.id, muted: true, mutedUntil: until.toISOString() });
    expect(seen.at(-1)).toEqual(muted); // at once, before any frame: bob is not even connected
    await expect.poll(() => seenOnPhone.at(-1)?.muted).toBe(true);
    await bobPhone.close();
    await sleep(200); // past the grace period: bob is offline everywhere
    await alice.sent(alice.send(chat.id, 'muted, so no push').clientMsgId);
    await pushesSettled();
    expect(sub.received).toEqual([]);

    const forever = await bob.muteChat(chat.id);
    expect(forever.muted).toBe(true);
    expect(forever).not.toHaveProperty('mutedUntil');
    const unmuted = await bob.unmuteChat(chat.id);
    expect(unmuted).toMatchObject({ id: chat.id, muted: false });
    expect(seen.at(-1)).toEqual(unmuted);
    await alice.sent(alice.send(chat.id, 'unmuted, so a push').clientMsgId);
    await pushesSettled();
    expect(sub.received.map((p) => p.payload.preview)).toEqual(['unmuted, so a push']);
  });

  it('a mute in the past or of a chat the user is not in is refused', async () => {
    const [{ client: alice }, { client: bob }, { client: eve }] = await Promise.all([signedUp(), signedUp(), signedUp()]);
    const chat = await alice.openPrivateChat(bob.session!.user.id);
    await expect(bob.muteChat(chat.id, new Date(Date.now() - 1000))).rejects.toMatchObject({ code: 'invalid_request' });
    const refused = await eve.muteChat(chat.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ParleyError);
    expect((refused as ParleyError).status).toBeGreaterThanOrEqual(403);
  });
});
