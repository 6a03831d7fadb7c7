import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { TestSocket } from './support/socket.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
let small: TestServer;
beforeAll(async () => {
  [server, small] = await Promise.all([startServer(), startServer({ MAX_GROUP_MEMBERS: '3' })]);
});
afterAll(async () => {
  await Promise.all([server.close(), small.close()]);
});

const UNKNOWN_ID = '0190d0d0-0000-7000-8000-000000000000';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Tuple<N extends number, T, R extends T[] = []> = R['length'] extends N ? R : Tuple<N, T, [...R, T]>;
/** `n` fresh users, registered one after another (so their ids sort in that order). */
const users = async <N extends number>(n: N, base = server.baseUrl): Promise<Tuple<N, TestUser>> => {
  const out: TestUser[] = [];
  for (let i = 0; i < n; i++) out.push(await registerUser(base));
  return out as Tuple<N, TestUser>;
};

const getChat = (user: TestUser, chatId: string) => api(server.baseUrl, 'GET', `/chats/${chatId}`, undefined, user.accessToken);
const myChats = async (user: TestUser) => {
  const res = await api(server.baseUrl, 'GET', '/users/me/chats', undefined, user.accessToken);
  expect(res.status).toBe(200);
  return res.body.chats as any[];
};
const send = (from: TestUser, chatId: string, content: string) =>
  api(server.baseUrl, 'POST', `/chats/${chatId}/messages`, { clientMsgId: crypto.randomUUID(), type: 'text', content }, from.accessToken);
const history = (user: TestUser, chatId: string) => api(server.baseUrl, 'GET', `/chats/${chatId}/messages`, undefined, user.accessToken);
const addMembers = (admin: TestUser, chatId: string, added: TestUser[]) =>
  api(server.baseUrl, 'POST', `/chats/${chatId}/members`, { userIds: added.map((u) => u.id) }, admin.accessToken);
const removeMember = (admin: TestUser, chatId: string, removed: TestUser) =>
  api(server.baseUrl, 'DELETE', `/chats/${chatId}/members/${removed.id}`, undefined, admin.accessToken);
const setRole = (admin: TestUser, chatId: string, target: TestUser, role: string) =>
  api(server.baseUrl, 'PUT', `/chats/${chatId}/members/${target.id}/role`, { role }, admin.accessToken);
const leave = (user: TestUser, chatId: string) => api(server.baseUrl, 'POST', `/chats/${chatId}/leave`, undefined, user.accessToken);

/** "userId:role" of each member, in the server's order (join time). */
const rolesOf = (chat: { members: Array<{ userId: string; role: string }> }) => chat.members.map((m) => `${m.userId}:${m.role}`);
const roles = (...pairs: Array<[TestUser, string]>) => pairs.map(([u, role]) => `${u.id}:${role}`);
// Small chats carry each member's receipt cursors; nothing here sends receipts, so they stay 0.
const memberFor = (u: TestUser, role: string) =>
  ({ userId: u.id, username: u.username, displayName: u.username, role, joinedAt: expect.any(String), deliveredSeq: 0, readSeq: 0 });

function expectError(res: { status: number; body: any }, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
}

describe('private chats', () => {
  it('answers 201 for a new chat, then 200 with the same id from either side', async () => {
    const [alice, bob] = await users(2);
    const first = await api(server.baseUrl, 'POST', '/chats/private', { userId: bob.id }, alice.accessToken);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      type: 'private',
      members: expect.any(Array),
      lastSeq: 0,
      unreadCount: 0,
      muted: false,
      createdAt: expect.any(String),
    });
    const again = await api(server.baseUrl, 'POST', '/chats/private', { userId: bob.id }, alice.accessToken);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const reverse = await api(server.baseUrl, 'POST', '/chats/private', { userId: alice.id }, bob.accessToken);
    expect(reverse.status).toBe(200);
    expect(reverse.body.id).toBe(first.body.id);
  });

  it('lists both users as members', async () => {
    const [alice, bob] = await users(2);
    const res = await api(server.baseUrl, 'POST', '/chats/private', { userId: bob.id }, alice.accessToken);
    expect(res.body.members).toHaveLength(2);
    expect(res.body.members).toEqual(expect.arrayContaining([memberFor(alice, 'member'), memberFor(bob, 'member')]));
    const seen = await getChat(bob, res.body.id);
    expect(seen.status).toBe(200);
    expect(seen.body.members).toEqual(res.body.members);
  });

  it('both users opening the chat at the same moment get one chat', async () => {
    for (let round = 0; round < 5; round++) {
      const [alice, bob] = await users(2);
      const [a, b] = await Promise.all([
        api(server.baseUrl, 'POST', '/chats/private', { userId: bob.id }, alice.accessToken),
        api(server.baseUrl, 'POST', '/chats/private', { userId: alice.id }, bob.accessToken),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 201]);
      expect(a.body.id).toBe(b.body.id);
      expect((await myChats(alice)).map((c) => c.id)).toEqual([a.body.id]);
      expect((await myChats(bob)).map((c) => c.id)).toEqual([a.body.id]);
    }
  });

  it('the other user learns of a new chat through a chat frame', async () => {
    const [alice, bob] = await users(2);
    const b = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const frame = await b.next((f) => f.type === 'chat', 5000, true);
    expect(frame.chat).toMatchObject({ id: chatId, type: 'private' });
    b.close();
  });

  it('with yourself is 400 naming userId, with an unknown user is 404', async () => {
    const [alice] = await users(1);
    const self = await api(server.baseUrl, 'POST', '/chats/private', { userId: alice.id }, alice.accessToken);
    expectError(self, 400, 'invalid_request');
    expect(self.body.error.message).toMatch(/^userId/);
    expectError(await api(server.baseUrl, 'POST', '/chats/private', { userId: UNKNOWN_ID }, alice.accessToken), 404, 'not_found');
    expect(await myChats(alice)).toEqual([]);
  });

  it('cannot be left (400)', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const res = await leave(alice, chatId);
    expectError(res, 400, 'invalid_request');
    expect((await getChat(alice, chatId)).status).toBe(200);
  });

  it('cannot be renamed or have members added (400)', async () => {
    const [alice, bob, carol] = await users(3);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    expectError(await api(server.baseUrl, 'PATCH', `/chats/${chatId}`, { name: 'x' }, alice.accessToken), 400, 'invalid_request');
    expectError(await addMembers(alice, chatId, [carol]), 400, 'invalid_request');
    expect((await getChat(alice, chatId)).body.members).toHaveLength(2);
  });
});

describe('group chats', () => {
  it('POST /chats/group answers 201 with the creator as admin and the others as members', async () => {
    const [admin, b, c] = await users(3);
    const res = await api(server.baseUrl, 'POST', '/chats/group', { name: 'Book club', memberIds: [b.id, c.id] }, admin.accessToken);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      type: 'group',
      name: 'Book club',
      members: expect.any(Array),
      lastSeq: 0,
      unreadCount: 0,
      muted: false,
      createdAt: expect.any(String),
    });
    expect(res.body.members).toHaveLength(3);
    expect(res.body.members).toEqual(expect.arrayContaining([memberFor(admin, 'admin'), memberFor(b, 'member'), memberFor(c, 'member')]));
    const seen = await getChat(c, res.body.id);
    expect(seen.status).toBe(200);
    expect(seen.body.name).toBe('Book club');
  });

  it('ignores the creator and duplicates in memberIds', async () => {
    const [admin, b] = await users(2);
    const res = await api(server.baseUrl, 'POST', '/chats/group', { name: 'dupes', memberIds: [b.id, b.id, admin.id] }, admin.accessToken);
    expect(res.status).toBe(201);
    expect(res.body.members).toHaveLength(2);
    expect(res.body.members.find((m: any) => m.userId === admin.id).role).toBe('admin');
  });

  it('an unknown member id is 404 and creates nothing', async () => {
    const [admin, b] = await users(2);
    const res = await api(server.baseUrl, 'POST', '/chats/group', { name: 'ghosts', memberIds: [b.id, UNKNOWN_ID] }, admin.accessToken);
    expectError(res, 404, 'not_found');
    expect(await myChats(admin)).toEqual([]);
    expect(await myChats(b)).toEqual([]);
  });

  it('a blank or missing name is 400 naming it', async () => {
    const [admin, b] = await users(2);
    for (const body of [{ name: '   ', memberIds: [b.id] }, { memberIds: [b.id] }, { name: '', memberIds: [b.id] }]) {
      const res = await api(server.baseUrl, 'POST', '/chats/group', body, admin.accessToken);
      expectError(res, 400, 'invalid_request');
      expect(res.body.error.message).toContain('name');
    }
  });

  it('a group above MAX_GROUP_MEMBERS is 400; at the limit it is created', async () => {
    const [admin, b, c, d] = await users(4, small.baseUrl);
    const tooBig = await api(small.baseUrl, 'POST', '/chats/group', { name: 'four', memberIds: [b.id, c.id, d.id] }, admin.accessToken);
    expectError(tooBig, 400, 'invalid_request');
    expect(tooBig.body.error.message).toMatch(/^memberIds/);
    const atLimit = await api(small.baseUrl, 'POST', '/chats/group', { name: 'three', memberIds: [b.id, c.id] }, admin.accessToken);
    expect(atLimit.status).toBe(201);

    // Adding a fourth later is refused the same way.
    const grow = await api(small.baseUrl, 'POST', `/chats/${atLimit.body.id}/members`, { userIds: [d.id] }, admin.accessToken);
    expectError(grow, 400, 'invalid_request');
    const after = await api(small.baseUrl, 'GET', `/chats/${atLimit.body.id}`, undefined, admin.accessToken);
    expect(after.body.members).toHaveLength(3);
  });
});

describe('GET /chats/{id}', () => {
  it('is 403 for a non-member and 404 for an unknown chat', async () => {
    const [alice, bob, eve] = await users(3);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    expectError(await getChat(eve, chatId), 403, 'forbidden');
    expectError(await getChat(alice, UNKNOWN_ID), 404, 'not_found');
    expectError(await history(eve, chatId), 403, 'forbidden');
    expectError(await send(eve, chatId, 'let me in'), 403, 'forbidden');
  });
});

describe('GET /users/me/chats', () => {
  it('lists chats with members, lastMessage and unreadCount', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    await send(alice, chatId, 'one');
    await send(alice, chatId, 'two');
    const last = await send(bob, chatId, 'three');

    const [forAlice] = await myChats(alice);
    expect(forAlice).toMatchObject({ id: chatId, type: 'private', lastSeq: 3 });
    expect(forAlice.members).toHaveLength(2);
    expect(forAlice.lastMessage).toEqual(last.body.message);
    // Unread counts other people's messages only: a sender's own messages are not unread.
    expect(forAlice.unreadCount).toBe(1);
    const [forBob] = await myChats(bob);
    expect(forBob.unreadCount).toBe(2);
    expect(forBob.lastMessage).toEqual(last.body.message);
  });

  it('counts unread per member in a group', async () => {
    const [admin, b, c] = await users(3);
    const chatId = await createGroup(server.baseUrl, admin, [b, c]);
    await send(admin, chatId, 'a1');
    await send(b, chatId, 'b1');
    await send(b, chatId, 'b2');
    const unread = async (u: TestUser) => (await myChats(u)).find((x) => x.id === chatId).unreadCount;
    expect([await unread(admin), await unread(b), await unread(c)]).toEqual([2, 1, 3]);
  });

  it('sorts by latest activity: newest message first, chats without messages by creation', async () => {
    const [me, x, y, z] = await users(4);
    const chatX = await openPrivateChat(server.baseUrl, me, x);
    await sleep(5);
    const chatY = await openPrivateChat(server.baseUrl, me, y);
    await sleep(5);
    const group = await createGroup(server.baseUrl, z, [me], 'g');
    await sleep(5);
    const chatZ = await openPrivateChat(server.baseUrl, me, z);
    expect((await myChats(me)).map((c) => c.id)).toEqual([chatZ, group, chatY, chatX]);

    await sleep(5);
    await send(x, chatX, 'x speaks');
    await sleep(5);
    await send(me, group, 'me in the group');
    expect((await myChats(me)).map((c) => c.id)).toEqual([group, chatX, chatZ, chatY]);
    await sleep(5);
    await send(y, chatY, 'y speaks');
    expect((await myChats(me)).map((c) => c.id)).toEqual([chatY, group, chatX, chatZ]);
  });

  it('is empty for a new user and never shows chats of others', async () => {
    const [alice, bob, carol] = await users(3);
    await openPrivateChat(server.baseUrl, alice, bob);
    expect(await myChats(carol)).toEqual([]);
  });
});

describe('group management', () => {
  it('renaming is for admins: 200 for the admin, 403 for a member; members get a chat frame', async () => {
    const [admin, b] = await users(2);
    const chatId = await createGroup(server.baseUrl, admin, [b], 'old name');
    const socket = await TestSocket.connect(server.wsUrl, b.accessToken);

    const byMember = await api(server.baseUrl, 'PATCH', `/chats/${chatId}`, { name: 'hijacked' }, b.accessToken);
    expectError(byMember, 403, 'forbidden');
    const res = await api(server.baseUrl, 'PATCH', `/chats/${chatId}`, { name: 'new name' }, admin.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: chatId, type: 'group', name: 'new name' });
    const frame = await socket.next((f) => f.type === 'chat' && f.chat.name === 'new name', 5000, true);
    expect(frame.chat.id).toBe(chatId);
    expect((await getChat(b, chatId)).body.name).toBe('new name');
    expect(socket.frames.some((f) => f.type === 'chat' && f.chat.name === 'hijacked')).toBe(false);

    expectError(await api(server.baseUrl, 'PATCH', `/chats/${chatId}`, { name: '  ' }, admin.accessToken), 400, 'invalid_request');
    socket.close();
  });

  it('adding members is for admins; the new member gets a chat frame and reads the full history', async () => {
    const [admin, b, newcomer, other] = await users(4);
    const chatId = await createGroup(server.baseUrl, admin, [b], 'history');
    await send(admin, chatId, 'before 1');
    await send(b, chatId, 'before 2');
    const newSocket = await TestSocket.connect(server.wsUrl, newcomer.accessToken);
    const bSocket = await TestSocket.connect(server.wsUrl, b.accessToken);

    expectError(await addMembers(b, chatId, [other]), 403, 'forbidden');
    expectError(await addMembers(admin, chatId, [{ id: UNKNOWN_ID } as TestUser]), 404, 'not_found');

    const res = await addMembers(admin, chatId, [newcomer]);
    expect(res.status).toBe(200);
    expect(res.body.members).toHaveLength(3);
    expect(res.body.members).toEqual(expect.arrayContaining([memberFor(newcomer, 'member')]));

    const frame = await newSocket.next((f) => f.type === 'chat', 5000, true);
    expect(frame.chat).toMatchObject({ id: chatId, type: 'group', name: 'history', lastSeq: 2, unreadCount: 2 });
    expect(frame.chat.members.map((m: any) => m.userId)).toContain(newcomer.id);
    const bFrame = await bSocket.next((f) => f.type === 'chat' && f.chat.members.length === 3, 5000, true);
    expect(bFrame.chat.id).toBe(chatId);

    const past = await history(newcomer, chatId);
    expect(past.status).toBe(200);
    expect(past.body.messages.map((m: any) => m.content)).toEqual(['before 1', 'before 2']);
    // And the newcomer takes part from now on.
    expect((await send(newcomer, chatId, 'hello all')).body.message.seq).toBe(3);
    await bSocket.next((f) => f.type === 'message' && f.message.content === 'hello all', 5000, true);

    // Adding someone already in is a no-op.
    const again = await addMembers(admin, chatId, [newcomer, b]);
    expect(again.status).toBe(200);
    expect(again.body.members).toHaveLength(3);
    newSocket.close();
    bSocket.close();
  });

  it('removing a member is for admins; the removed one is told and locked out, the rest get the new member list', async () => {
    const [admin, b, c] = await users(3);
    const chatId = await createGroup(server.baseUrl, admin, [b, c], 'removal');
    await send(admin, chatId, 'before');
    const bSocket = await TestSocket.connect(server.wsUrl, b.accessToken);
    const cSocket = await TestSocket.connect(server.wsUrl, c.accessToken);
    const adminSocket = await TestSocket.connect(server.wsUrl, admin.accessToken);

    expectError(await removeMember(b, chatId, c), 403, 'forbidden');
    const res = await removeMember(admin, chatId, c);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();

    expect(await cSocket.next((f) => f.type === 'chat.removed', 5000, true)).toEqual({ type: 'chat.removed', chatId });
    for (const [socket, user] of [[bSocket, b], [adminSocket, admin]] as const) {
      const frame = await socket.next((f) => f.type === 'chat' && f.chat.id === chatId, 5000, true);
      expect(rolesOf(frame.chat)).toEqual(roles([admin, 'admin'], [b, 'member']));
      expect(frame.chat.members.some((m: any) => m.userId === user.id)).toBe(true);
    }
    expect(cSocket.frames.some((f) => f.type === 'chat')).toBe(false);

    // Locked out of history, sending (REST and WebSocket) and the chat itself.
    expectError(await history(c, chatId), 403, 'forbidden');
    expectError(await send(c, chatId, 'still here?'), 403, 'forbidden');
    expectError(await getChat(c, chatId), 403, 'forbidden');
    const wsReply = await cSocket.sendText(chatId, 'still here?', 'removed-1');
    expect(wsReply).toMatchObject({ type: 'error', ref: 'removed-1', error: { code: 'forbidden' } });
    expect((await myChats(c)).map((x) => x.id)).not.toContain(chatId);

    // The rest no longer deliver to the removed member.
    await send(b, chatId, 'after');
    await adminSocket.next((f) => f.type === 'message' && f.message.content === 'after', 5000, true);
    await sleep(50);
    expect(cSocket.messages(chatId)).toEqual([]);

    expectError(await removeMember(admin, chatId, c), 404, 'not_found');
    [bSocket, cSocket, adminSocket].forEach((s) => s.close());
  });

  it('promoting and demoting are for admins; demoting the last admin is 409', async () => {
    const [admin, b, c] = await users(3);
    const chatId = await createGroup(server.baseUrl, admin, [b, c], 'roles');

    expectError(await setRole(b, chatId, c, 'admin'), 403, 'forbidden');
    const lastAdmin = await setRole(admin, chatId, admin, 'member');
    expectError(lastAdmin, 409, 'conflict');
    expect(rolesOf((await getChat(admin, chatId)).body)).toContain(`${admin.id}:admin`);

    const promoted = await setRole(admin, chatId, b, 'admin');
    expect(promoted.status).toBe(200);
    expect(promoted.body.members.find((m: any) => m.userId === b.id).role).toBe('admin');
    // With two admins one may step down; then the remaining one cannot.
    expect((await setRole(b, chatId, admin, 'member')).status).toBe(200);
    expectError(await setRole(b, chatId, b, 'member'), 409, 'conflict');
    const after = await getChat(c, chatId);
    expect(after.body.members.filter((m: any) => m.role === 'admin').map((m: any) => m.userId)).toEqual([b.id]);
    // The demoted creator has lost admin powers.
    expectError(await api(server.baseUrl, 'PATCH', `/chats/${chatId}`, { name: 'nope' }, admin.accessToken), 403, 'forbidden');

    expectError(await setRole(b, chatId, c, 'owner'), 400, 'invalid_request');
    expectError(await api(server.baseUrl, 'PUT', `/chats/${chatId}/members/${UNKNOWN_ID}/role`, { role: 'admin' }, b.accessToken), 404, 'not_found');
  });

  it('leaving answers 204; when the last admin leaves, the longest-standing member becomes admin', async () => {
    // Registered first, so its id sorts first: the successor must be chosen by join time, not by id.
    const [late, admin, early] = await users(3);
    const chatId = await createGroup(server.baseUrl, admin, [early], 'succession');
    await sleep(5);
    await addMembers(admin, chatId, [late]);
    const adminSocket = await TestSocket.connect(server.wsUrl, admin.accessToken);
    const lateSocket = await TestSocket.connect(server.wsUrl, late.accessToken);

    const res = await leave(admin, chatId);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();

    const after = await getChat(late, chatId);
    expect(rolesOf(after.body)).toEqual(roles([early, 'admin'], [late, 'member']));
    expect(await adminSocket.next((f) => f.type === 'chat.removed', 5000, true)).toEqual({ type: 'chat.removed', chatId });
    const frame = await lateSocket.next((f) => f.type === 'chat' && f.chat.members.length === 2, 5000, true);
    expect(rolesOf(frame.chat)).toEqual(roles([early, 'admin'], [late, 'member']));

    expectError(await history(admin, chatId), 403, 'forbidden');
    expect((await myChats(admin)).map((c) => c.id)).not.toContain(chatId);
    // The new admin can manage the group.
    expect((await api(server.baseUrl, 'PATCH', `/chats/${chatId}`, { name: 'renamed' }, early.accessToken)).status).toBe(200);
    expectError(await leave(admin, chatId), 403, 'forbidden');
    adminSocket.close();
    lateSocket.close();
  });

  it('a member leaving keeps the admins as they are', async () => {
    const [admin, b, c] = await users(3);
    const chatId = await createGroup(server.baseUrl, admin, [b, c], 'stay');
    expect((await leave(c, chatId)).status).toBe(204);
    expect(rolesOf((await getChat(admin, chatId)).body)).toEqual(expect.arrayContaining(roles([admin, 'admin'], [b, 'member'])));
    expect((await getChat(admin, chatId)).body.members).toHaveLength(2);
  });

  it('removing yourself through DELETE is leaving', async () => {
    const [admin, b] = await users(2);
    const chatId = await createGroup(server.baseUrl, admin, [b], 'self-remove');
    expect((await removeMember(b, chatId, b)).status).toBe(204);
    expect(rolesOf((await getChat(admin, chatId)).body)).toEqual(roles([admin, 'admin']));
  });

  it('management of an unknown chat is 404 and of a foreign chat is 403', async () => {
    const [admin, b, eve] = await users(3);
    const chatId = await createGroup(server.baseUrl, admin, [b], 'private club');
    expectError(await api(server.baseUrl, 'PATCH', `/chats/${UNKNOWN_ID}`, { name: 'x' }, admin.accessToken), 404, 'not_found');
    expectError(await api(server.baseUrl, 'PATCH', `/chats/${chatId}`, { name: 'x' }, eve.accessToken), 403, 'forbidden');
    expectError(await addMembers(eve, chatId, [eve]), 403, 'forbidden');
    expectError(await removeMember(eve, chatId, b), 403, 'forbidden');
    expectError(await setRole(eve, chatId, eve, 'admin'), 403, 'forbidden');
    expectError(await leave(eve, chatId), 403, 'forbidden');
    expectError(await leave(eve, UNKNOWN_ID), 404, 'not_found');
    expect((await getChat(admin, chatId)).body.members).toHaveLength(2);
  });
});
