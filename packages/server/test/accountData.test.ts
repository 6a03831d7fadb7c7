import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, loginDevice, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { filesUnder, pngOf, upload } from './support/media.js';
import { TestSocket } from './support/socket.js';
import { startServer, type TestServer } from './support/server.js';

// A small page and window, so an account with a few messages already spans several pages of
// export and deletion, and each chat several windows of seqs.
const PAGE = 3;
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ EXPORT_PAGE_SIZE: String(PAGE), ACCOUNT_DELETE_PAGE_SIZE: String(PAGE), ACCOUNT_SCAN_WINDOW: '2', EXPORT_RATE_PER_HOUR: '1000', PRESENCE_GRACE_MS: '0' });
});
afterAll(() => server.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const call = (user: TestUser, method: string, p: string, body?: unknown) => api(server.baseUrl, method, p, body, user.accessToken);
const send = (user: TestUser, chatId: string, body: Record<string, unknown>) => call(user, 'POST', `/chats/${chatId}/messages`, body);
const sendText = async (user: TestUser, chatId: string, content: string) => (await send(user, chatId, { type: 'text', content })).body.message;
const deleteAccount = (user: TestUser, body: unknown) => call(user, 'DELETE', '/users/me', body);
const closeCode = (socket: TestSocket, ms = 5000): Promise<number | 'still open'> =>
  Promise.race([socket.closed.then((c) => c.code), sleep(ms).then(() => 'still open' as const)]);
const blobs = () => filesUnder(path.join(server.dataDir, 'media', 'blobs'));

async function exportOf(user: TestUser) {
  const res = await fetch(`${server.baseUrl}/api/v1/users/me/export`, { headers: { authorization: `Bearer ${user.accessToken}` } });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

describe('data export', () => {
  it('holds the caller\'s profile, devices, contacts, chats, messages, reactions and uploads, paged past one page', async () => {
    const [alice, bob, carol] = [await registerUser(server.baseUrl, 'ex'), await registerUser(server.baseUrl, 'ex'), await registerUser(server.baseUrl, 'ex')];
    await call(alice, 'PATCH', '/users/me', { about: 'hello there' });
    await loginDevice(server.baseUrl, alice, 'phone');
    await call(alice, 'POST', '/contacts', { userId: bob.id });
    await call(bob, 'POST', `/contacts/${alice.id}/accept`);
    await call(alice, 'POST', '/contacts', { userId: carol.id }); // pending
    // Carol's own contacts and devices are hers: none of them may show up in Alice's export.
    await call(carol, 'POST', '/contacts', { userId: bob.id });
    const privateId = await openPrivateChat(server.baseUrl, alice, bob);
    const groupId = await createGroup(server.baseUrl, carol, [alice, bob], 'trip');
    const sent = [];
    for (let i = 0; i < 2 * PAGE + 1; i++) sent.push(await sendText(alice, i % 2 ? groupId : privateId, `note ${i}`));
    const bobs = await sendText(bob, privateId, 'from bob');
    await call(alice, 'POST', `/chats/${privateId}/messages/${bobs.id}/reactions`, { emoji: '👍' });
    const media = (await upload(server.baseUrl, alice.accessToken, await pngOf(1), 'a.png', 'image/png')).body;
    const p256dh = crypto.createECDH('prime256v1').generateKeys().toString('base64url');
    const endpoint = 'https://push.example.test/send/alice-laptop';
    expect((await call(alice, 'PUT', '/users/me/push-subscription', { endpoint, keys: { p256dh, auth: crypto.randomBytes(16).toString('base64url') } })).status).toBeLessThan(300);
    expect((await call(alice, 'PUT', `/chats/${groupId}/mute`, {})).status).toBe(200);

    const res = await exportOf(alice);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const today = new Date().toISOString().slice(0, 10);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="parley-export-${alice.username}-${today}.json"`);
    const data = res.body;
    expect(data).toMatchObject({ format: 'parley-export/1', user: { id: alice.id, username: alice.username, about: 'hello there', privacy: { online: 'everyone' }, chosenStatus: 'online' } });
    expect(data.devices.map((d: any) => d.name).sort()).toEqual(['phone', 'unnamed device'].sort());
    expect(data.devices.find((d: any) => d.name === 'unnamed device').push).toEqual({ endpoint, previews: true, createdAt: expect.any(String) });
    expect(data.devices.find((d: any) => d.name === 'phone').push).toBeUndefined();
    expect(data.contacts).toEqual(expect.arrayContaining([
      { user: { id: bob.id, username: bob.username, displayName: bob.username }, status: 'accepted', since: expect.any(String) },
      { user: { id: carol.id, username: carol.username, displayName: carol.username }, status: 'pending_outgoing', since: expect.any(String) },
    ]));
    expect(data.contacts).toHaveLength(2);
    const chats = new Map(data.chats.map((c: any) => [c.id, c]));
    expect(chats.get(groupId)).toMatchObject({ type: 'group', name: 'trip', role: 'member', deliveredSeq: expect.any(Number) });
    expect((chats.get(groupId) as any).members.map((m: any) => m.id).sort()).toEqual([alice.id, bob.id, carol.id].sort());
    expect(chats.get(privateId)).toMatchObject({ type: 'private', name: null, muted: false });
    expect(chats.get(groupId)).toMatchObject({ muted: true });
    // Every message Alice sent, across more than two pages, in (chat, seq) order; nobody else's.
    expect(data.messages).toHaveLength(sent.length);
    expect(new Set(data.messages.map((m: any) => m.id))).toEqual(new Set(sent.map((m) => m.id)));
    expect(data.messages[0]).toEqual(expect.objectContaining({ type: 'text', editedAt: null, deletedAt: null, replyTo: null, mediaId: null, location: null, forwarded: false }));
    expect(data.reactions).toEqual([{ chatId: privateId, seq: bobs.seq, emoji: '👍', createdAt: expect.any(String) }]);
    expect(data.media).toEqual([expect.objectContaining({ id: media.id, kind: 'image', mime: 'image/png' })]);
    // Nothing private of anyone else: no password hashes, no storage keys, no other user's devices or contacts.
    const text = JSON.stringify(data);
    expect(text).not.toMatch(/password|hash|blob_key|token|p256dh/i);
    expect(text).not.toContain(p256dh);
    expect(text).not.toContain('pending_incoming');
  });

  it('refuses without a token, and past its own hourly budget answers 429 with Retry-After', async () => {
    const anon = await fetch(`${server.baseUrl}/api/v1/users/me/export`);
    expect(anon.status).toBe(401);
    const strict = await startServer({ EXPORT_RATE_PER_HOUR: '2' });
    try {
      const user = await registerUser(strict.baseUrl, 'rl');
      const get = () => fetch(`${strict.baseUrl}/api/v1/users/me/export`, { headers: { authorization: `Bearer ${user.accessToken}` } });
      expect((await get()).status).toBe(200);
      expect((await get()).status).toBe(200);
      const third = await get();
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await third.json()).error.code).toBe('rate_limited');
    } finally {
      await strict.close();
    }
  });
});

describe('account deletion', () => {
  it('answers 204, closes every device\'s sockets with 4003 and refuses the tokens and the login afterwards', async () => {
    const alice = await registerUser(server.baseUrl, 'del');
    const phone = await loginDevice(server.baseUrl, alice, 'phone');
    const sockets = [await TestSocket.connect(server.wsUrl, alice.accessToken), await TestSocket.connect(server.wsUrl, phone.accessToken)];
    expect((await deleteAccount(alice, { password: alice.password })).status).toBe(204);
    expect(await Promise.all(sockets.map((s) => closeCode(s)))).toEqual([4003, 4003]);
    expect((await call(phone, 'GET', '/users/me')).status).toBe(401);
    expect((await api(server.baseUrl, 'POST', '/auth/refresh', { refreshToken: alice.refreshToken })).status).toBe(401);
    const login = await api(server.baseUrl, 'POST', '/auth/login', { username: alice.username, password: alice.password });
    expect(login.status).toBe(401);
    expect(login.body.error).toEqual({ code: 'unauthorized', message: 'wrong username or password' });
    // The name is free again, and the new account is someone else.
    const again = await api(server.baseUrl, 'POST', '/auth/register', { username: alice.username, password: 'another good password' });
    expect(again.status).toBe(201);
    expect(again.body.user.id).not.toBe(alice.id);
  });

  it('a wrong password is refused as a login would refuse it, and nothing is deleted', async () => {
    const alice = await registerUser(server.baseUrl, 'del');
    const res = await deleteAccount(alice, { password: 'not the password' });
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({ code: 'unauthorized', message: 'wrong username or password' });
    expect((await call(alice, 'GET', '/users/me')).body.username).toBe(alice.username);
  });

  it.each([
    ['no body', undefined],
    ['no password', { deleteMessages: true }],
    ['a blank password', { password: '' }],
    ['deleteMessages not a boolean', { password: 'correct horse battery', deleteMessages: 'yes' }],
  ])('answers 400 invalid_request for %s', async (_why, body) => {
    const alice = await registerUser(server.baseUrl, 'del');
    const res = await deleteAccount(alice, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(body === undefined ? /body/ : /password|deleteMessages/);
    expect((await call(alice, 'GET', '/users/me')).status).toBe(200);
  });

  it('leaves every group as leaving does: the oldest member becomes admin and members get the chat', async () => {
    const [alice, bob, carol] = [await registerUser(server.baseUrl, 'grp'), await registerUser(server.baseUrl, 'grp'), await registerUser(server.baseUrl, 'grp')];
    const groupId = await createGroup(server.baseUrl, alice, [bob, carol], 'book club');
    const bobSocket = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const update = bobSocket.next((f) => f.type === 'chat' && f.chat.id === groupId && f.chat.members.length === 2);
    expect((await deleteAccount(alice, { password: alice.password })).status).toBe(204);
    const { chat } = await update;
    expect(chat.members.map((m: any) => m.userId).sort()).toEqual([bob.id, carol.id].sort());
    expect(chat.members.filter((m: any) => m.role === 'admin')).toHaveLength(1);
    bobSocket.close();
  });

  it('keeps private chats for the peer, shows the tombstone, and refuses sends into them over REST and WebSocket', async () => {
    const [alice, bob] = [await registerUser(server.baseUrl, 'prv'), await registerUser(server.baseUrl, 'prv')];
    await call(alice, 'POST', '/contacts', { userId: bob.id });
    await call(bob, 'POST', `/contacts/${alice.id}/accept`);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const hello = await sendText(alice, chatId, 'hello bob');
    const bobSocket = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const profileFrame = bobSocket.next((f) => f.type === 'profile' && f.profile.id === alice.id);
    const chatFrame = bobSocket.next((f) => f.type === 'chat' && f.chat.id === chatId);
    expect((await deleteAccount(alice, { password: alice.password })).status).toBe(204);
    expect((await profileFrame).profile).toEqual({ id: alice.id, username: expect.stringMatching(/^deleted-[0-9a-f]{24}$/), displayName: 'Deleted account', createdAt: expect.any(String), deleted: true });
    expect((await chatFrame).chat.members.find((m: any) => m.userId === alice.id)).toMatchObject({ displayName: 'Deleted account', deleted: true });

    const chats = (await call(bob, 'GET', '/users/me/chats')).body.chats;
    expect(chats.find((c: any) => c.id === chatId).members.find((m: any) => m.userId === alice.id)).toMatchObject({ displayName: 'Deleted account', deleted: true });
    const history = (await call(bob, 'GET', `/chats/${chatId}/messages`)).body.messages;
    expect(history.map((m: any) => m.content)).toEqual(['hello bob']); // kept without deleteMessages
    expect(history[0].senderId).toBe(alice.id);
    const profile = (await call(bob, 'GET', `/users/${alice.id}/profile`)).body;
    expect(profile).toMatchObject({ displayName: 'Deleted account', deleted: true });
    expect(profile.about).toBeUndefined();
    expect((await call(bob, 'GET', `/users?search=${alice.username.slice(0, 6)}`)).body.users.map((u: any) => u.id)).not.toContain(alice.id);
    expect((await call(bob, 'GET', `/users?search=deleted`)).body.users).toEqual([]);
    expect((await call(bob, 'GET', '/contacts')).body.contacts).toEqual([]);
    // Offline for everyone, and no last seen any more.
    expect((await bobSocket.next((f) => f.type === 'presence' && f.userId === alice.id, 5000, true))).toEqual({ type: 'presence', userId: alice.id, status: 'offline' });
    expect((await call(bob, 'GET', `/users/${alice.id}/presence`)).body).toEqual({ userId: alice.id, status: 'offline' });

    const rest = await send(bob, chatId, { type: 'text', content: 'are you there?' });
    expect(rest.status).toBe(403);
    expect(rest.body.error).toEqual({ code: 'forbidden', message: expect.stringMatching(/deleted/) });
    const ws = await bobSocket.sendText(chatId, 'still there?');
    expect(ws).toMatchObject({ type: 'error', error: { code: 'forbidden', message: expect.stringMatching(/deleted/) } });
    expect(hello.id).toBeDefined();
    // No new private chat, contact request or group membership with a deleted account.
    expect((await call(bob, 'POST', '/contacts', { userId: alice.id })).status).toBe(404);
    expect((await call(bob, 'POST', '/chats/group', { name: 'x', memberIds: [alice.id] })).status).toBe(404);
    bobSocket.close();
  });

  it('with deleteMessages, erases every message sent (in several pages) for everyone, who get message.updated', async () => {
    const [alice, bob, carol] = [await registerUser(server.baseUrl, 'era'), await registerUser(server.baseUrl, 'era'), await registerUser(server.baseUrl, 'era')];
    const privateId = await openPrivateChat(server.baseUrl, alice, bob);
    const groupId = await createGroup(server.baseUrl, carol, [alice, bob], 'g');
    const mine = [];
    for (let i = 0; i < 2 * PAGE + 2; i++) mine.push(await sendText(alice, i % 2 ? groupId : privateId, `secret ${i}`));
    const bobs = await sendText(bob, groupId, 'bob stays');
    await call(alice, 'POST', `/chats/${groupId}/messages/${bobs.id}/reactions`, { emoji: '🎉' });
    const bobSocket = await TestSocket.connect(server.wsUrl, bob.accessToken);
    expect((await deleteAccount(alice, { password: alice.password, deleteMessages: true })).status).toBe(204);

    const erased = await bobSocket.waitForCount((f) => f.type === 'message.updated' && f.message.senderId === alice.id, mine.length);
    expect(erased.every((f) => f.message.content === '' && f.message.deletedAt)).toBe(true);
    const reactionGone = await bobSocket.next((f) => f.type === 'message.updated' && f.message.id === bobs.id, 10_000, true);
    expect(reactionGone.message.reactions).toBeUndefined();
    for (const chatId of [privateId, groupId]) {
      const history = (await call(bob, 'GET', `/chats/${chatId}/messages`)).body.messages;
      const hers = history.filter((m: any) => m.senderId === alice.id);
      expect(hers.length).toBeGreaterThan(0);
      expect(hers.every((m: any) => m.content === '' && m.deletedAt)).toBe(true);
    }
    // Catch-up sees each change once, in order: every erased message has its own change seq.
    const changeSeqs = erased.filter((f) => f.message.chatId === privateId).map((f) => f.message.changeSeq);
    expect(new Set(changeSeqs).size).toBe(changeSeqs.length);
    expect((await call(bob, 'GET', `/chats/${groupId}/messages`)).body.messages.find((m: any) => m.id === bobs.id).content).toBe('bob stays');
    bobSocket.close();
  });

  it('removes uploads no remaining message holds, with their blobs, and keeps the ones a message still holds', async () => {
    const [alice, bob] = [await registerUser(server.baseUrl, 'med'), await registerUser(server.baseUrl, 'med')];
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const unsent = (await upload(server.baseUrl, alice.accessToken, await pngOf(201), 'unsent.png', 'image/png')).body;
    const sent = (await upload(server.baseUrl, alice.accessToken, await pngOf(202), 'sent.png', 'image/png')).body;
    const shared = (await upload(server.baseUrl, alice.accessToken, await pngOf(203), 'shared.png', 'image/png')).body;
    const bobsCopy = (await upload(server.baseUrl, bob.accessToken, await pngOf(203), 'same-bytes.png', 'image/png')).body;
    expect((await send(alice, chatId, { type: 'image', content: '', media: { id: sent.id } })).status).toBe(201);
    const before = blobs();
    expect((await deleteAccount(alice, { password: alice.password })).status).toBe(204);
    expect((await call(bob, 'GET', `/media/${unsent.id}`)).status).toBe(404);
    expect((await call(bob, 'GET', `/media/${sent.id}`)).status).toBe(200);
    expect((await call(bob, 'GET', `/media/${bobsCopy.id}`)).status).toBe(200);
    const after = blobs();
    const gone = before.filter((f) => !after.includes(f));
    expect(gone.some((f) => f.includes(unsent.sha256))).toBe(true);
    expect(after.some((f) => f.includes(sent.sha256))).toBe(true);
    expect(after.some((f) => f.includes(shared.sha256))).toBe(true); // Bob's upload of the same bytes holds it
  });
});
