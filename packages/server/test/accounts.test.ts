import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, loginDevice, openPrivateChat, registerUser, uniqueName, type TestUser } from './support/api.js';
import { TestSocket } from './support/socket.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const PASSWORD = 'correct horse battery';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const me = (token: string) => api(server.baseUrl, 'GET', '/users/me', undefined, token);
/** The socket's close code, or 'still open' if the server has not closed it in time. */
const closeCode = (socket: TestSocket, ms = 5000): Promise<number | 'still open'> =>
  Promise.race([socket.closed.then((c) => c.code), sleep(ms).then(() => 'still open' as const)]);
const unauthorized = (message = expect.any(String)) => ({ error: { code: 'unauthorized', message } });

describe('register', () => {
  it('creates the account and answers 201 with the user and a token pair', async () => {
    const username = uniqueName('reg');
    const res = await api(server.baseUrl, 'POST', '/auth/register', { username, password: PASSWORD, displayName: 'Reggie' });
    expect(res.status).toBe(201);
    expect(res.body.user).toEqual({ id: expect.any(String), username, displayName: 'Reggie' });
    expect(res.body.accessToken).toEqual(expect.any(String));
    expect(res.body.refreshToken).toEqual(expect.any(String));
    // The tokens work at once.
    const profile = await me(res.body.accessToken);
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ id: res.body.user.id, username, displayName: 'Reggie' });
  });

  it('uses the username as display name when none is given', async () => {
    const username = uniqueName('plain');
    const res = await api(server.baseUrl, 'POST', '/auth/register', { username, password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body.user.displayName).toBe(username);
  });

  it.each([
    ['too short', 'ab'],
    ['containing a space', 'a b'],
    ['33 characters long', 'a'.repeat(33)],
    ['with uppercase letters', 'Alice_Upper'],
    ['with a dash', 'al-ice'],
  ])('rejects a username %s with 400 naming the field', async (_why, username) => {
    const res = await api(server.baseUrl, 'POST', '/auth/register', { username, password: PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(/^username/);
  });

  it('accepts usernames at the 3 and 32 character bounds with digits, dots and underscores', async () => {
    const short = `${uniqueName('x').slice(-3)}`;
    const long = `a.b_${uniqueName('z')}`.padEnd(32, '9').slice(0, 32);
    for (const username of [short, long]) {
      const res = await api(server.baseUrl, 'POST', '/auth/register', { username, password: PASSWORD });
      expect(res.status, username).toBe(201);
    }
  });

  it('rejects a password shorter than 10 characters with 400 naming the field', async () => {
    const res = await api(server.baseUrl, 'POST', '/auth/register', { username: uniqueName('pw'), password: '123456789' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(/^password/);
  });

  it('rejects a missing field with 400 naming it', async () => {
    const res = await api(server.baseUrl, 'POST', '/auth/register', { username: uniqueName('nopw') });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toContain('password');
  });

  it('answers 409 username_taken for a name already registered', async () => {
    const user = await registerUser(server.baseUrl);
    const res = await api(server.baseUrl, 'POST', '/auth/register', { username: user.username, password: 'another password' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('username_taken');
    expect(res.body.error.message).toContain(user.username);
  });
});

describe('login and devices', () => {
  it('logs in with the right password and answers the user and a token pair', async () => {
    const user = await registerUser(server.baseUrl);
    const res = await api(server.baseUrl, 'POST', '/auth/login', { username: user.username, password: user.password, deviceName: 'laptop' });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ id: user.id, username: user.username, displayName: user.username });
    expect((await me(res.body.accessToken)).status).toBe(200);
  });

  it('answers 401 with the same message for a wrong password and for an unknown user', async () => {
    const user = await registerUser(server.baseUrl);
    const wrongPassword = await api(server.baseUrl, 'POST', '/auth/login', { username: user.username, password: 'not the password' });
    const unknownUser = await api(server.baseUrl, 'POST', '/auth/login', { username: uniqueName('ghost'), password: user.password });
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    expect(wrongPassword.body).toEqual(unauthorized());
    expect(unknownUser.body).toEqual(wrongPassword.body);
  });

  it('makes every login a new device, listed with the current one flagged', async () => {
    const user = await registerUser(server.baseUrl);
    const phone = await loginDevice(server.baseUrl, user, 'phone');
    const tablet = await loginDevice(server.baseUrl, user, 'tablet');

    const fromPhone = await api(server.baseUrl, 'GET', '/users/me/devices', undefined, phone.accessToken);
    expect(fromPhone.status).toBe(200);
    const devices = fromPhone.body.devices;
    expect(devices).toHaveLength(3);
    expect(devices.map((d: any) => d.name)).toEqual(['unnamed device', 'phone', 'tablet']);
    expect(devices.filter((d: any) => d.current).map((d: any) => d.name)).toEqual(['phone']);
    for (const d of devices) {
      expect(d).toEqual({ id: expect.any(String), name: expect.any(String), createdAt: expect.any(String), lastSeenAt: expect.any(String), current: expect.any(Boolean) });
    }

    const fromTablet = await api(server.baseUrl, 'GET', '/users/me/devices', undefined, tablet.accessToken);
    expect(fromTablet.body.devices.filter((d: any) => d.current).map((d: any) => d.name)).toEqual(['tablet']);
    expect(new Set(fromTablet.body.devices.map((d: any) => d.id))).toEqual(new Set(devices.map((d: any) => d.id)));
  });
});

describe('refresh', () => {
  it('rotates: the new pair works, and the new refresh token rotates again', async () => {
    const user = await registerUser(server.baseUrl);
    const first = await api(server.baseUrl, 'POST', '/auth/refresh', { refreshToken: user.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String) });
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    expect((await me(first.body.accessToken)).status).toBe(200);

    const second = await api(server.baseUrl, 'POST', '/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
    expect((await me(second.body.accessToken)).status).toBe(200);
  });

  it('treats a reused refresh token as theft: 401, and the whole device session is revoked', async () => {
    const user = await registerUser(server.baseUrl);
    const other = await loginDevice(server.baseUrl, user, 'other');
    const rotated = await api(server.baseUrl, 'POST', '/auth/refresh', { refreshToken: user.refreshToken });
    const newest = await api(server.baseUrl, 'POST', '/auth/refresh', { refreshToken: rotated.body.refreshToken });
    expect(newest.status).toBe(200);
    const socket = await TestSocket.connect(server.wsUrl, newest.body.accessToken);

    const reuse = await api(server.baseUrl, 'POST', '/auth/refresh', { refreshToken: user.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body).toEqual(unauthorized());

    // Every token of that device is dead now, including the newest from the rotation.
    for (const token of [user.accessToken, rotated.body.accessToken, newest.body.accessToken]) {
      const res = await me(token);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    const afterRevoke = await api(server.baseUrl, 'POST', '/auth/refresh', { refreshToken: newest.body.refreshToken });
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body.error.code).toBe('unauthorized');
    expect(await closeCode(socket)).toBe(4003);

    // Another device of the same user is untouched.
    expect((await me(other.accessToken)).status).toBe(200);
  });

  const refresh = (token: string, at = server) => api(at.baseUrl, 'POST', '/auth/refresh', { refreshToken: token });

  it('a refresh whose answer was lost is retried with the same token: a working pair, the session kept', async () => {
    const user = await registerUser(server.baseUrl);
    expect((await refresh(user.refreshToken)).status).toBe(200); // the answer never reached the client
    const retried = await refresh(user.refreshToken);
    expect(retried.status).toBe(200);
    expect((await me(retried.body.accessToken)).status).toBe(200);
    const next = await refresh(retried.body.refreshToken);
    expect(next.status).toBe(200);
    // Once a token rotated from it has been used, the old one is a copy again.
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect((await me(next.body.accessToken)).status).toBe(401);
  });

  it('two tabs of one session refreshing with the same token at once both get a working pair', async () => {
    const user = await registerUser(server.baseUrl);
    const both = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    for (const r of both) {
      expect((await me(r.body.accessToken)).status).toBe(200);
      expect((await refresh(r.body.refreshToken)).status).toBe(200);
    }
  });

  it('a used refresh token presented again after REFRESH_REUSE_GRACE_MS revokes the session', async () => {
    const strict = await startServer({ REFRESH_REUSE_GRACE_MS: '300' });
    try {
      const user = await registerUser(strict.baseUrl);
      const rotated = await refresh(user.refreshToken, strict);
      expect(rotated.status).toBe(200);
      await sleep(400);
      expect((await refresh(user.refreshToken, strict)).status).toBe(401);
      expect((await refresh(rotated.body.refreshToken, strict)).status).toBe(401);
    } finally {
      await strict.close();
    }
  });

  it('keeps a device\'s used refresh tokens until they expire, then drops them at its next refresh', async () => {
    const shortLived = await startServer({ REFRESH_TOKEN_TTL_SEC: '2' });
    try {
      const user = await registerUser(shortLived.baseUrl);
      const tokens = () =>
        shortLived.parley.ctx.store.db
          .selectFrom('refresh_tokens')
          .innerJoin('devices', 'devices.id', 'refresh_tokens.device_id')
          .select('refresh_tokens.used_at')
          .where('devices.user_id', '=', user.id)
          .execute();
      await sleep(1200);
      const first = await refresh(user.refreshToken, shortLived); // the registration's token, used
      expect(first.status).toBe(200);
      expect(await tokens()).toHaveLength(2);
      await sleep(1200); // the registration's token has expired; the first refresh's has not
      expect((await refresh(first.body.refreshToken, shortLived)).status).toBe(200);
      expect((await tokens()).map((t) => t.used_at !== null).sort()).toEqual([false, true]);
    } finally {
      await shortLived.close();
    }
  });

  it('answers 401 for an unknown refresh token and 400 for a missing one', async () => {
    const unknown = await api(server.baseUrl, 'POST', '/auth/refresh', { refreshToken: 'not-a-real-token' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(unauthorized());
    const missing = await api(server.baseUrl, 'POST', '/auth/refresh', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error).toEqual({ code: 'invalid_request', message: expect.stringContaining('refreshToken') });
  });
});

describe('logout and revoking devices', () => {
  it('sockets that authenticate at once are each judged by their own session: the revoked one gets 4001, the rest ready', async () => {
    const [ann, ben] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const annPhone = await loginDevice(server.baseUrl, ann, 'phone');
    const gone = await loginDevice(server.baseUrl, ben, 'old laptop');
    expect((await api(server.baseUrl, 'POST', '/auth/logout', undefined, gone.accessToken)).status).toBe(204);
    // Two sockets per session (the same device twice among them), the revoked session in the middle.
    const tokens = [ann.accessToken, annPhone.accessToken, gone.accessToken, ben.accessToken, ann.accessToken, annPhone.accessToken, ben.accessToken];
    const sockets = await Promise.all(tokens.map(() => TestSocket.open(server.wsUrl)));
    const replies = sockets.map((s) => s.next((f) => f.type === 'ready' || f.type === 'error'));
    sockets.forEach((s, i) => s.send({ type: 'auth', token: tokens[i] }));
    const answered = await Promise.all(replies);
    expect(answered.map((f) => f.type)).toEqual(['ready', 'ready', 'error', 'ready', 'ready', 'ready', 'ready']);
    expect(answered[2]).toEqual({ type: 'error', error: { code: 'unauthorized', message: expect.stringContaining('revoked') } });
    expect(await closeCode(sockets[2]!)).toBe(4001);
    expect(answered.map((f) => f.userId)).toEqual([ann.id, ann.id, undefined, ben.id, ann.id, ann.id, ben.id]);
    for (const s of sockets) s.ws.terminate();
  });

  it('logout answers 204, kills the access and refresh tokens and closes that device socket with 4003', async () => {
    const user = await registerUser(server.baseUrl);
    const other = await loginDevice(server.baseUrl, user, 'other');
    const socket = await TestSocket.connect(server.wsUrl, user.accessToken);
    const otherSocket = await TestSocket.connect(server.wsUrl, other.accessToken);

    const res = await api(server.baseUrl, 'POST', '/auth/logout', undefined, user.accessToken);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(await closeCode(socket)).toBe(4003);

    const after = await me(user.accessToken);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
    expect((await api(server.baseUrl, 'POST', '/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(401);

    // The other device stays signed in and connected.
    expect((await me(other.accessToken)).status).toBe(200);
    otherSocket.send({ type: 'ping' });
    await otherSocket.next((f) => f.type === 'pong');
    otherSocket.close();
  });

  it('a socket that tries to authenticate with a logged-out token is refused with 4001', async () => {
    const user = await registerUser(server.baseUrl);
    await api(server.baseUrl, 'POST', '/auth/logout', undefined, user.accessToken);
    const socket = await TestSocket.open(server.wsUrl);
    socket.send({ type: 'auth', token: user.accessToken });
    const error = await socket.next((f) => f.type === 'error');
    expect(error.error.code).toBe('unauthorized');
    expect(await closeCode(socket)).toBe(4001);
  });

  it('DELETE /users/me/devices/{id} signs out another device: its socket closes with 4003 and its token gets 401', async () => {
    const user = await registerUser(server.baseUrl);
    const phone = await loginDevice(server.baseUrl, user, 'phone');
    const phoneSocket = await TestSocket.connect(server.wsUrl, phone.accessToken);
    const laptopSocket = await TestSocket.connect(server.wsUrl, user.accessToken);
    const devices = (await api(server.baseUrl, 'GET', '/users/me/devices', undefined, user.accessToken)).body.devices;
    const phoneId = devices.find((d: any) => d.name === 'phone').id;

    const res = await api(server.baseUrl, 'DELETE', `/users/me/devices/${phoneId}`, undefined, user.accessToken);
    expect(res.status).toBe(204);
    expect(await closeCode(phoneSocket)).toBe(4003);
    const phoneMe = await me(phone.accessToken);
    expect(phoneMe.status).toBe(401);
    expect(phoneMe.body.error.code).toBe('unauthorized');
    expect((await api(server.baseUrl, 'POST', '/auth/refresh', { refreshToken: phone.refreshToken })).status).toBe(401);

    // The revoking device keeps working, and the list no longer has the phone.
    const left = await api(server.baseUrl, 'GET', '/users/me/devices', undefined, user.accessToken);
    expect(left.body.devices.map((d: any) => d.name)).toEqual(['unnamed device']);
    laptopSocket.send({ type: 'ping' });
    await laptopSocket.next((f) => f.type === 'pong');
    laptopSocket.close();
  });

  it('a device that was just let in is refused on its very next request once it is revoked, history included', async () => {
    const [alice, bob] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const phone = await loginDevice(server.baseUrl, alice, 'phone');
    const history = (token: string) => api(server.baseUrl, 'GET', `/chats/${chatId}/messages`, undefined, token);
    // Requests a moment apart: the REST edge remembers the device as valid between them.
    expect((await history(phone.accessToken)).status).toBe(200);
    expect((await history(alice.accessToken)).status).toBe(200);
    const phoneId = (await api(server.baseUrl, 'GET', '/users/me/devices', undefined, phone.accessToken)).body.devices.find((d: any) => d.current).id;

    expect((await api(server.baseUrl, 'DELETE', `/users/me/devices/${phoneId}`, undefined, alice.accessToken)).status).toBe(204);
    expect(await history(phone.accessToken)).toMatchObject({ status: 401, body: unauthorized() });
    expect((await api(server.baseUrl, 'POST', '/auth/logout', undefined, alice.accessToken)).status).toBe(204);
    expect(await history(alice.accessToken)).toMatchObject({ status: 401, body: unauthorized() });
    expect((await history(bob.accessToken)).status).toBe(200);
  });

  it("cannot revoke another user's device or an unknown one (404)", async () => {
    const [alice, bob] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const bobDevice = (await api(server.baseUrl, 'GET', '/users/me/devices', undefined, bob.accessToken)).body.devices[0].id;
    const res = await api(server.baseUrl, 'DELETE', `/users/me/devices/${bobDevice}`, undefined, alice.accessToken);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await me(bob.accessToken)).status).toBe(200);
    const unknown = await api(server.baseUrl, 'DELETE', '/users/me/devices/no-such-device', undefined, alice.accessToken);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });
});

describe('profiles', () => {
  it('GET /users/{id}/profile and GET /users/me show the public profile', async () => {
    const [alice, bob] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const res = await api(server.baseUrl, 'GET', `/users/${alice.id}/profile`, undefined, bob.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: alice.id, username: alice.username, displayName: alice.username, createdAt: expect.any(String) });
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
    const own = await me(alice.accessToken);
    expect(own.status).toBe(200);
    expect(own.body).toEqual(res.body);
  });

  it('a profile change is pushed at once to chat peers and the user\'s own devices, not to strangers or blockers', async () => {
    const [alice, bob, stranger, blocker] = await Promise.all([1, 2, 3, 4].map(() => registerUser(server.baseUrl)));
    await openPrivateChat(server.baseUrl, alice, bob);
    await openPrivateChat(server.baseUrl, alice, blocker);
    await api(server.baseUrl, 'POST', `/contacts/${alice.id}/block`, undefined, blocker.accessToken);
    const [bobs, alices, strangers, blockers] = await Promise.all([bob, alice, stranger, blocker].map((u) => TestSocket.connect(server.wsUrl, u.accessToken)));
    const patched = await api(server.baseUrl, 'PATCH', '/users/me', { displayName: 'Alice Liddell' }, alice.accessToken);
    expect(patched.status).toBe(200);
    for (const socket of [bobs, alices]) {
      const frame = await socket.next((f) => f.type === 'profile', 10_000, true);
      expect(frame.profile).toEqual(patched.body);
    }
    await api(server.baseUrl, 'POST', '/contacts', { userId: alice.id }, stranger.accessToken); // a request is not a contact yet
    await new Promise((r) => setTimeout(r, 200));
    expect([...strangers.frames, ...blockers.frames].filter((f) => f.type === 'profile')).toEqual([]);
    [bobs, alices, strangers, blockers].forEach((s) => s.close());
  });

  it('PATCH /users/me changes displayName, about and avatarUrl, and others see the change', async () => {
    const [alice, bob] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const changes = { displayName: 'Alice A.', about: 'likes chatting', avatarUrl: 'https://example.com/a.png' };
    const res = await api(server.baseUrl, 'PATCH', '/users/me', changes, alice.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: alice.id, username: alice.username, createdAt: expect.any(String), ...changes });
    const seen = await api(server.baseUrl, 'GET', `/users/${alice.id}/profile`, undefined, bob.accessToken);
    expect(seen.body).toEqual(res.body);

    // A partial update keeps the rest; null clears an optional field.
    const partial = await api(server.baseUrl, 'PATCH', '/users/me', { avatarUrl: null }, alice.accessToken);
    expect(partial.status).toBe(200);
    expect(partial.body).toEqual({ id: alice.id, username: alice.username, createdAt: expect.any(String), displayName: 'Alice A.', about: 'likes chatting' });
    const relative = await api(server.baseUrl, 'PATCH', '/users/me', { avatarUrl: '/media/abc' }, alice.accessToken);
    expect(relative.body.avatarUrl).toBe('/media/abc');
  });

  it.each([
    ['a javascript: avatarUrl', { avatarUrl: 'javascript:alert(1)' }, 'avatarUrl'],
    ['a data: avatarUrl', { avatarUrl: 'data:text/html,<script>alert(1)</script>' }, 'avatarUrl'],
    ['an empty displayName', { displayName: '' }, 'displayName'],
    ['a blank displayName', { displayName: '   ' }, 'displayName'],
    ['a 65-character displayName', { displayName: 'x'.repeat(65) }, 'displayName'],
    ['a 513-character about', { about: 'x'.repeat(513) }, 'about'],
  ])('PATCH /users/me rejects %s with 400 naming the field and changes nothing', async (_why, body, field) => {
    const alice = await registerUser(server.baseUrl);
    const res = await api(server.baseUrl, 'PATCH', '/users/me', body, alice.accessToken);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(new RegExp(`^${field}`));
    const after = await me(alice.accessToken);
    expect(after.body).toEqual({ id: alice.id, username: alice.username, displayName: alice.username, createdAt: expect.any(String) });
  });

  it('answers 404 not_found for an unknown user id', async () => {
    const alice = await registerUser(server.baseUrl);
    const res = await api(server.baseUrl, 'GET', '/users/0190d0d0-0000-7000-8000-000000000000/profile', undefined, alice.accessToken);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('never shows a password hash in any response', async () => {
    const prefix = uniqueName('leak');
    const reg = await api(server.baseUrl, 'POST', '/auth/register', { username: prefix, password: PASSWORD });
    const token = reg.body.accessToken;
    const responses = [
      reg,
      await api(server.baseUrl, 'POST', '/auth/login', { username: prefix, password: PASSWORD }),
      await me(token),
      await api(server.baseUrl, 'GET', `/users/${reg.body.user.id}/profile`, undefined, token),
      await api(server.baseUrl, 'PATCH', '/users/me', { about: 'hello' }, token),
      await api(server.baseUrl, 'GET', `/users?search=${prefix}`, undefined, token),
      await api(server.baseUrl, 'GET', '/users/me/devices', undefined, token),
    ];
    // The stored hash itself, read from the database, to look for it verbatim.
    const { password_hash: storedHash } = await server.parley.ctx.store.db
      .selectFrom('users').select('password_hash').where('username', '=', prefix).executeTakeFirstOrThrow();
    expect(storedHash).toMatch(/^\$argon2id\$/);
    for (const res of responses) {
      expect(res.status).toBeLessThan(300);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(storedHash);
      expect(text).not.toContain('$argon2');
      // No field named like a password or a hash either (token values are random base64, so keys only).
      expect(text).not.toMatch(/"[a-z_]*(password|hash)[a-z_]*"\s*:/i);
    }
  });
});

describe('user search', () => {
  it('GET /users?search=prefix finds users whose username starts with the prefix', async () => {
    const prefix = uniqueName('find');
    const alice = await registerUser(server.baseUrl);
    for (const suffix of ['_one', '_two']) {
      await api(server.baseUrl, 'POST', '/auth/register', { username: `${prefix}${suffix}`, password: PASSWORD });
    }
    const res = await api(server.baseUrl, 'GET', `/users?search=${prefix}`, undefined, alice.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.users.map((u: any) => u.username)).toEqual([`${prefix}_one`, `${prefix}_two`]);
    expect(res.body.users[0]).toEqual({ id: expect.any(String), username: `${prefix}_one`, displayName: `${prefix}_one` });

    // Search is case-insensitive and an unmatched prefix finds nobody.
    const upper = await api(server.baseUrl, 'GET', `/users?search=${prefix.toUpperCase()}_T`, undefined, alice.accessToken);
    expect(upper.body.users.map((u: any) => u.username)).toEqual([`${prefix}_two`]);
    const none = await api(server.baseUrl, 'GET', `/users?search=${prefix}_x`, undefined, alice.accessToken);
    expect(none.body.users).toEqual([]);
  });

  it('requires the search parameter (400 naming it)', async () => {
    const alice = await registerUser(server.baseUrl);
    const res = await api(server.baseUrl, 'GET', '/users', undefined, alice.accessToken);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toContain('search');
  });
});

describe('access tokens', () => {
  it.each([
    ['no Authorization header', undefined],
    ['a garbage bearer token', 'Bearer not.a.token'],
    ['an empty bearer token', 'Bearer '],
    ['a Basic scheme', 'Basic dXNlcjpwYXNz'],
  ])('answers 401 unauthorized with %s', async (_why, authorization) => {
    const headers: Record<string, string> = authorization ? { authorization } : {};
    const res = await fetch(`${server.baseUrl}/api/v1/users/me`, { headers });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(unauthorized());
  });

  it('answers 401 unauthorized for a token signed with another secret', async () => {
    const other = await startServer();
    try {
      const stranger = await registerUser(other.baseUrl);
      const res = await me(stranger.accessToken);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    } finally {
      await other.close();
    }
  });

  it('answers 401 token_expired once the access token has expired, and a refresh brings it back', async () => {
    // Token times are whole seconds (iat is floored), so a 1 s token minted late in a second
    // expires within milliseconds: 2 s leaves the first request at least one.
    const short = await startServer({ ACCESS_TOKEN_TTL_SEC: '2' });
    try {
      const user = await registerUser(short.baseUrl);
      // Verified once while fresh, so a cached verification cannot outlive the expiry.
      expect((await api(short.baseUrl, 'GET', '/users/me', undefined, user.accessToken)).status).toBe(200);
      await sleep(3100);
      const res = await api(short.baseUrl, 'GET', '/users/me', undefined, user.accessToken);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('token_expired');

      const socket = await TestSocket.open(short.wsUrl);
      socket.send({ type: 'auth', token: user.accessToken });
      expect((await socket.next((f) => f.type === 'error')).error.code).toBe('token_expired');
      expect(await closeCode(socket)).toBe(4001);

      const refreshed = await api(short.baseUrl, 'POST', '/auth/refresh', { refreshToken: user.refreshToken });
      expect(refreshed.status).toBe(200);
      expect((await api(short.baseUrl, 'GET', '/users/me', undefined, refreshed.body.accessToken)).status).toBe(200);
    } finally {
      await short.close();
    }
  });
});

describe('status', () => {
  it('PUT /users/me/status accepts online, away and offline', async () => {
    const alice = await registerUser(server.baseUrl);
    for (const status of ['away', 'offline', 'online']) {
      const res = await api(server.baseUrl, 'PUT', '/users/me/status', { status }, alice.accessToken);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status });
    }
  });

  it('rejects an unknown status with 400 naming the field', async () => {
    const alice = await registerUser(server.baseUrl);
    const res = await api(server.baseUrl, 'PUT', '/users/me/status', { status: 'busy' }, alice.accessToken);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(/^status/);
  });
});

describe('auth rate limit', () => {
  let limited: TestServer;
  let user: TestUser;
  beforeAll(async () => {
    limited = await startServer({ AUTH_RATE_PER_MIN: '5' });
    user = await registerUser(limited.baseUrl);
  });
  afterAll(() => limited.close());

  it('answers the 6th login within a minute with 429 rate_limited and a Retry-After header', async () => {
    const login = () => api(limited.baseUrl, 'POST', '/auth/login', { username: user.username, password: user.password });
    for (let i = 0; i < 5; i++) expect((await login()).status).toBe(200);
    const sixth = await login();
    expect(sixth.status).toBe(429);
    expect(sixth.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    const retryAfter = Number(sixth.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Authenticated routes are not on the auth budget.
    expect((await api(limited.baseUrl, 'GET', '/users/me', undefined, user.accessToken)).status).toBe(200);
  });
});
