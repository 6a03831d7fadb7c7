import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, loginDevice, registerUser, type TestUser } from './support/api.js';
import { TestSocket } from './support/socket.js';
import { startServer, tempDir, type TestServer } from './support/server.js';

const GRACE_MS = 300;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ PRESENCE_GRACE_MS: String(GRACE_MS) });
});
afterAll(() => server.close());

type Frame = Record<string, any>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const user = () => registerUser(server.baseUrl);
const connect = (u: TestUser, s = server) => TestSocket.connect(s.wsUrl, u.accessToken);

async function befriend(a: TestUser, b: TestUser): Promise<void> {
  expect((await api(server.baseUrl, 'POST', '/contacts', { userId: b.id }, a.accessToken)).status).toBe(200);
  expect((await api(server.baseUrl, 'POST', `/contacts/${a.id}/accept`, undefined, b.accessToken)).status).toBe(200);
}

/** Presence frames about `subject` that `socket` received, without the `type`. */
const seen = (socket: TestSocket, subject: TestUser) =>
  socket.frames.filter((f) => f.type === 'presence' && f.userId === subject.id).map(({ type: _type, ...rest }) => rest);
const nextPresence = (socket: TestSocket, subject: TestUser, status: string, timeoutMs?: number) =>
  socket.next((f) => f.type === 'presence' && f.userId === subject.id && f.status === status, timeoutMs, true);

/**
 * The second `online` of `subject` on `socket`. The HTTP reply that set the status and the frame
 * announcing it travel on different connections, so either may arrive first.
 */
const onlineAgain = (socket: TestSocket, subject: TestUser) =>
  socket.waitForCount((f) => f.type === 'presence' && f.userId === subject.id && f.status === 'online', 2);
const presenceOf = async (viewer: TestUser, subject: TestUser, s = server): Promise<Frame> => {
  const res = await api(s.baseUrl, 'GET', `/users/${subject.id}/presence`, undefined, viewer.accessToken);
  expect(res.status).toBe(200);
  return res.body;
};
const setStatus = (u: TestUser, status: string) => api(server.baseUrl, 'PUT', '/users/me/status', { status }, u.accessToken);
const setPrivacy = (u: TestUser, body: Record<string, string>) => api(server.baseUrl, 'PUT', '/users/me/privacy', body, u.accessToken);

/** Resolves once the subject's last disconnect was stored (their own view shows a last seen), plus a margin for the fan-out. */
async function offlineSettled(subject: TestUser): Promise<Frame> {
  for (;;) {
    const self = await presenceOf(subject, subject);
    if (self.status === 'offline' && self.lastSeen) {
      await sleep(100);
      return self;
    }
    await sleep(25);
  }
}

const close = async (socket: TestSocket) => {
  socket.close();
  await socket.closed;
};

describe('online and offline', () => {
  it('a contact sees the user come online when they connect', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    const bobSocket = await connect(bob);
    await connect(alice);
    expect(await nextPresence(bobSocket, alice, 'online')).toEqual({ type: 'presence', userId: alice.id, status: 'online' });
    expect(await presenceOf(bob, alice)).toEqual({ userId: alice.id, status: 'online' });
  });

  it('after the last device disconnects and the grace period passes, contacts see offline with lastSeen', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    const bobSocket = await connect(bob);
    const aliceSocket = await connect(alice);
    await nextPresence(bobSocket, alice, 'online');

    const before = Date.now();
    await close(aliceSocket);
    const after = Date.now();
    const offline = await nextPresence(bobSocket, alice, 'offline');
    // Not before the grace period is over, and last seen is when the connection closed.
    expect(Date.now() - before).toBeGreaterThanOrEqual(GRACE_MS - 20);
    expect(offline).toEqual({ type: 'presence', userId: alice.id, status: 'offline', lastSeen: expect.any(String) });
    const lastSeen = Date.parse(offline.lastSeen);
    expect(lastSeen).toBeGreaterThanOrEqual(before - 5);
    expect(lastSeen).toBeLessThanOrEqual(after + 5);
    expect(await presenceOf(bob, alice)).toEqual({ userId: alice.id, status: 'offline', lastSeen: offline.lastSeen });
    expect(seen(bobSocket, alice).map((p) => p.status)).toEqual(['online', 'offline']);
  });

  it('reconnecting within the grace period causes no offline flap', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    const bobSocket = await connect(bob);
    const first = await connect(alice);
    await nextPresence(bobSocket, alice, 'online');
    await close(first);
    await connect(alice);
    await sleep(GRACE_MS * 2);
    // A change after the grace period: any flap would have been published before it.
    await setStatus(alice, 'away');
    await nextPresence(bobSocket, alice, 'away');
    expect(seen(bobSocket, alice).map((p) => p.status)).toEqual(['online', 'away']);
  });

  it('with two devices the user stays online until both are gone', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    const bobSocket = await connect(bob);
    const laptop = await connect(alice);
    const phone = await connect(await loginDevice(server.baseUrl, alice));
    await nextPresence(bobSocket, alice, 'online');

    await close(laptop);
    await sleep(GRACE_MS * 2);
    expect(await presenceOf(bob, alice)).toEqual({ userId: alice.id, status: 'online' });
    expect(seen(bobSocket, alice).map((p) => p.status)).toEqual(['online']);

    await close(phone);
    await nextPresence(bobSocket, alice, 'offline');
    expect(seen(bobSocket, alice).map((p) => p.status)).toEqual(['online', 'offline']);
  });

  it('many contacts coming and going at once: each is seen online, then offline with their own last seen stored', async () => {
    const bob = await user();
    const friends = await Promise.all(Array.from({ length: 8 }, () => user()));
    for (const friend of friends) await befriend(friend, bob);
    const bobSocket = await connect(bob);
    const sockets = await Promise.all(friends.map((f) => connect(f)));
    for (const friend of friends) await nextPresence(bobSocket, friend, 'online');

    const before = Date.now();
    await Promise.all(sockets.map(close));
    for (const friend of friends) {
      const offline = await nextPresence(bobSocket, friend, 'offline');
      expect(Date.parse(offline.lastSeen)).toBeGreaterThanOrEqual(before - 5);
      expect(seen(bobSocket, friend).map((p) => p.status)).toEqual(['online', 'offline']);
      expect(await presenceOf(bob, friend)).toEqual({ userId: friend.id, status: 'offline', lastSeen: offline.lastSeen });
    }
  });

  it('a user who never connected is offline without a last seen', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    expect(await presenceOf(bob, alice)).toEqual({ userId: alice.id, status: 'offline' });
  });
});

describe('chosen status', () => {
  it('away via PUT /users/me/status is broadcast to contacts and to the user’s other devices', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    const bobSocket = await connect(bob);
    const laptop = await connect(alice);
    const phone = await connect(await loginDevice(server.baseUrl, alice));
    await nextPresence(bobSocket, alice, 'online');

    const res = await setStatus(alice, 'away');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'away' });
    expect(await nextPresence(bobSocket, alice, 'away')).toEqual({ type: 'presence', userId: alice.id, status: 'away' });
    await nextPresence(laptop, alice, 'away');
    await nextPresence(phone, alice, 'away');
    expect(await presenceOf(bob, alice)).toEqual({ userId: alice.id, status: 'away' });

    await setStatus(alice, 'online');
    await onlineAgain(bobSocket, alice);
    expect(seen(bobSocket, alice).map((p) => p.status)).toEqual(['online', 'away', 'online']);
  });

  it('invisible (offline) looks offline to others while the user’s own devices learn the choice', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    const bobSocket = await connect(bob);
    const laptop = await connect(alice);
    const phone = await connect(await loginDevice(server.baseUrl, alice));
    await nextPresence(bobSocket, alice, 'online');

    const wentInvisible = Date.now();
    expect((await setStatus(alice, 'offline')).body).toEqual({ status: 'offline' });
    const hidden = await nextPresence(bobSocket, alice, 'offline');
    // To Bob it looks exactly like leaving: offline, last seen at that moment.
    expect(hidden).toEqual({ type: 'presence', userId: alice.id, status: 'offline', lastSeen: expect.any(String) });
    expect(Date.parse(hidden.lastSeen)).toBeGreaterThanOrEqual(wentInvisible - 5);
    await nextPresence(laptop, alice, 'offline');
    await nextPresence(phone, alice, 'offline');
    expect(await presenceOf(bob, alice)).toEqual({ userId: alice.id, status: 'offline', lastSeen: hidden.lastSeen });
    expect((await presenceOf(alice, alice)).status).toBe('offline');

    // Coming and going while invisible tells Bob nothing, and does not move the last seen.
    await close(laptop);
    await close(phone);
    await sleep(GRACE_MS * 2);
    await connect(alice);
    await sleep(200);
    expect(await presenceOf(bob, alice)).toEqual({ userId: alice.id, status: 'offline', lastSeen: hidden.lastSeen });

    await setStatus(alice, 'online');
    await onlineAgain(bobSocket, alice);
    expect(seen(bobSocket, alice).map((p) => p.status)).toEqual(['online', 'offline', 'online']);
  });
});

describe('privacy', () => {
  it('defaults to everyone for both, and PUT changes only the fields given', async () => {
    const alice = await user();
    const get = () => api(server.baseUrl, 'GET', '/users/me/privacy', undefined, alice.accessToken);
    expect((await get()).body).toEqual({ online: 'everyone', lastSeen: 'everyone' });
    const res = await setPrivacy(alice, { lastSeen: 'contacts' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ online: 'everyone', lastSeen: 'contacts' });
    expect((await setPrivacy(alice, { online: 'nobody' })).body).toEqual({ online: 'nobody', lastSeen: 'contacts' });
    expect((await get()).body).toEqual({ online: 'nobody', lastSeen: 'contacts' });
  });

  it('rejects an unknown visibility with 400 naming the field', async () => {
    const alice = await user();
    const res = await setPrivacy(alice, { online: 'friends' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(/^online/);
  });

  /** Who each setting lets see: the spec, written out. */
  const ALLOWED: Record<string, string[]> = { everyone: ['contact', 'peer'], contacts: ['contact'], nobody: [] };
  const settings = ['everyone', 'contacts', 'nobody'];
  const combos = settings.flatMap((online) => settings.map((lastSeen) => ({ online, lastSeen })));

  it.each(combos)('online=$online, lastSeen=$lastSeen: a contact, a chat peer and a stranger each see what it allows', async (privacy) => {
    const [alice, contact, peer, stranger] = [await user(), await user(), await user(), await user()];
    await befriend(alice, contact);
    await createGroup(server.baseUrl, alice, [peer, contact]);
    expect((await setPrivacy(alice, privacy)).status).toBe(200);
    const viewers = { contact, peer, stranger };
    const sockets = { contact: await connect(contact), peer: await connect(peer), stranger: await connect(stranger) };
    const seesOnline = (who: string) => ALLOWED[privacy.online]!.includes(who);
    const seesLastSeen = (who: string) => ALLOWED[privacy.lastSeen]!.includes(who);

    const aliceSocket = await connect(alice);
    // Alice's own device hears of her coming online in the same publish as everyone else. Those
    // who may see it are waited for (a loaded machine reads frames late); once they have it, a
    // frame to anyone else would have come with it.
    await nextPresence(aliceSocket, alice, 'online');
    for (const who of Object.keys(viewers).filter(seesOnline)) await nextPresence(sockets[who as keyof typeof sockets], alice, 'online', 10_000);
    await sleep(100);
    for (const [who, viewer] of Object.entries(viewers)) {
      const expected = seesOnline(who) ? [{ userId: alice.id, status: 'online' }] : [];
      expect(seen(sockets[who as keyof typeof sockets], alice), who).toEqual(expected);
      expect(await presenceOf(viewer, alice), who).toEqual({ userId: alice.id, status: seesOnline(who) ? 'online' : 'offline' });
    }

    await close(aliceSocket);
    const { lastSeen } = await offlineSettled(alice);
    // A viewer hears of the change only if what they may see changed.
    const changed = (who: string) => seesOnline(who) || seesLastSeen(who);
    for (const who of Object.keys(viewers).filter(changed)) await nextPresence(sockets[who as keyof typeof sockets], alice, 'offline', 10_000);
    for (const [who, viewer] of Object.entries(viewers)) {
      const offline = seesLastSeen(who) ? { userId: alice.id, status: 'offline', lastSeen } : { userId: alice.id, status: 'offline' };
      const expected = [...(seesOnline(who) ? [{ userId: alice.id, status: 'online' }] : []), ...(changed(who) ? [offline] : [])];
      expect(seen(sockets[who as keyof typeof sockets], alice), who).toEqual(expected);
      expect(await presenceOf(viewer, alice), who).toEqual(offline);
      const batch = await api(server.baseUrl, 'GET', `/presence?userIds=${alice.id}`, undefined, viewer.accessToken);
      expect(batch.body, who).toEqual({ presence: [offline] });
    }
  });

  it('tightening privacy while online is pushed at once to those who may no longer see', async () => {
    const [alice, contact, peer] = [await user(), await user(), await user()];
    await befriend(alice, contact);
    await createGroup(server.baseUrl, alice, [peer]);
    const contactSocket = await connect(contact);
    const peerSocket = await connect(peer);
    await connect(alice);
    await nextPresence(contactSocket, alice, 'online');
    await nextPresence(peerSocket, alice, 'online');

    await setPrivacy(alice, { online: 'contacts', lastSeen: 'nobody' });
    expect(await nextPresence(peerSocket, alice, 'offline')).toEqual({ type: 'presence', userId: alice.id, status: 'offline' });
    expect(await presenceOf(peer, alice)).toEqual({ userId: alice.id, status: 'offline' });
    await setPrivacy(alice, { online: 'everyone' });
    await nextPresence(peerSocket, alice, 'online');
    expect(seen(contactSocket, alice)).toEqual([{ userId: alice.id, status: 'online' }]);
  });

  it('a user who blocked someone is hidden from them, contact and chat peer or not', async () => {
    const [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
    await createGroup(server.baseUrl, alice, [bob]);
    expect((await api(server.baseUrl, 'POST', `/contacts/${bob.id}/block`, undefined, alice.accessToken)).status).toBe(200);
    const bobSocket = await connect(bob);
    const aliceSocket = await connect(alice);
    await nextPresence(aliceSocket, alice, 'online');
    await sleep(100);
    expect(seen(bobSocket, alice)).toEqual([]);
    expect(await presenceOf(bob, alice)).toEqual({ userId: alice.id, status: 'offline' });
  });
});

describe('GET /presence', () => {
  it('answers for many users at once, in the order asked, leaving out unknown ids', async () => {
    const [viewer, a, b, stranger] = [await user(), await user(), await user(), await user()];
    await befriend(viewer, a);
    await befriend(viewer, b);
    await connect(a);
    await connect(stranger);
    // Coming online is published after `ready`; on a loaded machine later than any fixed wait.
    await expect.poll(async () => (await presenceOf(viewer, a)).status, { timeout: 10_000 }).toBe('online');
    const ids = [b.id, 'no-such-user', a.id, stranger.id, viewer.id, a.id].join(',');
    const res = await api(server.baseUrl, 'GET', `/presence?userIds=${ids}`, undefined, viewer.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      presence: [
        { userId: b.id, status: 'offline' },
        { userId: a.id, status: 'online' },
        // A stranger (no contact, no shared chat) always looks offline.
        { userId: stranger.id, status: 'offline' },
        { userId: viewer.id, status: 'offline' },
      ],
    });
  });

  it('refuses more than 400 ids, and no ids, with 400 naming userIds', async () => {
    const viewer = await user();
    const many = Array.from({ length: 401 }, (_, i) => `u${i}`).join(',');
    for (const query of [`userIds=${many}`, 'userIds=,,', '']) {
      const res = await api(server.baseUrl, 'GET', `/presence?${query}`, undefined, viewer.accessToken);
      expect(res.status, query.slice(0, 20)).toBe(400);
      expect(res.body.error.message).toMatch(/^userIds/);
    }
  });

  it('400 UUIDs fit in one request', async () => {
    const viewer = await user();
    const ids = Array.from({ length: 400 }, () => crypto.randomUUID()).join(',');
    const res = await api(server.baseUrl, 'GET', `/presence?userIds=${ids}`, undefined, viewer.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ presence: [] });
  });

  it('GET /users/{id}/presence is 404 for an unknown user', async () => {
    const viewer = await user();
    const res = await api(server.baseUrl, 'GET', '/users/no-such-user/presence', undefined, viewer.accessToken);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('across a restart', () => {
  it('last seen and a chosen away survive a restart, and whoever was online at shutdown is last seen then', async () => {
    const dataDir = tempDir();
    let first: TestServer | undefined = await startServer({ PRESENCE_GRACE_MS: String(GRACE_MS) }, dataDir);
    let second: TestServer | undefined;
    try {
      const [alice, bob, carol] = [await registerUser(first.baseUrl), await registerUser(first.baseUrl), await registerUser(first.baseUrl)];
      for (const other of [alice, carol]) {
        expect((await api(first.baseUrl, 'POST', '/contacts', { userId: other.id }, bob.accessToken)).status).toBe(200);
        expect((await api(first.baseUrl, 'POST', `/contacts/${bob.id}/accept`, undefined, other.accessToken)).status).toBe(200);
      }
      const aliceSocket = await connect(alice, first);
      expect((await api(first.baseUrl, 'PUT', '/users/me/status', { status: 'away' }, alice.accessToken)).status).toBe(200);
      await close(aliceSocket);
      let before: Frame;
      do {
        await sleep(25);
        before = await presenceOf(bob, alice, first);
      } while (!before.lastSeen);
      // Carol is still connected when the server stops.
      await connect(carol, first);
      const stopping = Date.now();
      await first.close();
      first = undefined;

      second = await startServer({ PRESENCE_GRACE_MS: String(GRACE_MS) }, dataDir);
      expect(await presenceOf(bob, alice, second)).toEqual({ userId: alice.id, status: 'offline', lastSeen: before.lastSeen });
      const carolNow = await presenceOf(bob, carol, second);
      expect(carolNow.status).toBe('offline');
      expect(Date.parse(carolNow.lastSeen)).toBeGreaterThanOrEqual(stopping - 5);

      const bobSocket = await connect(bob, second);
      await connect(alice, second);
      expect(await nextPresence(bobSocket, alice, 'away')).toEqual({ type: 'presence', userId: alice.id, status: 'away' });
    } finally {
      await first?.close();
      await second?.close();
    }
  });
});
