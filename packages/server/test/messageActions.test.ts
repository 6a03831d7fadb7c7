import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, loginDevice, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { TestSocket } from './support/socket.js';
import { startServer, type TestServer } from './support/server.js';
import { ffmpegMake, pngOf, upload } from './support/media.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const users = (n: number) => Promise.all(Array.from({ length: n }, () => registerUser(server.baseUrl)));
const send = (from: TestUser, chatId: string, message: Record<string, unknown>) =>
  api(server.baseUrl, 'POST', `/chats/${chatId}/messages`, { clientMsgId: crypto.randomUUID(), content: '', ...message }, from.accessToken);
const text = async (from: TestUser, chatId: string, content: string) => {
  const res = await send(from, chatId, { type: 'text', content });
  expect(res.status).toBe(201);
  return res.body.message;
};
const at = (chatId: string, messageId: string) => `/chats/${chatId}/messages/${messageId}`;
const edit = (user: TestUser, chatId: string, messageId: string, content: string) => api(server.baseUrl, 'PATCH', at(chatId, messageId), { content }, user.accessToken);
const remove = (user: TestUser, chatId: string, messageId: string, who: 'everyone' | 'me') => api(server.baseUrl, 'DELETE', `${at(chatId, messageId)}?for=${who}`, undefined, user.accessToken);
const react = (user: TestUser, chatId: string, messageId: string, emoji: string) => api(server.baseUrl, 'POST', `${at(chatId, messageId)}/reactions`, { emoji }, user.accessToken);
const history = async (user: TestUser, chatId: string) => (await api(server.baseUrl, 'GET', `/chats/${chatId}/messages`, undefined, user.accessToken)).body.messages;
const uploaded = async (user: TestUser, bytes: Buffer, name: string) => {
  const res = await upload(server.baseUrl, user.accessToken, bytes, name);
  expect(res.status).toBe(201);
  return res.body;
};
const updatesOf = (socket: TestSocket, messageId: string) => socket.frames.filter((f) => f.type === 'message.updated' && f.message.id === messageId);

describe('message types', () => {
  it('sends text, image, video, audio, file and location, each with its own fields', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const image = await uploaded(alice, await pngOf(11), 'p.png');
    const video = await uploaded(alice, ffmpegMake(['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264'], 'mp4'), 'v.mp4');
    const voice = await uploaded(alice, ffmpegMake(['-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'libopus'], 'ogg'), 'voice.ogg');
    const pdf = await uploaded(alice, Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'), 'doc.pdf');

    const sent = [
      await send(alice, chatId, { type: 'text', content: 'hello' }),
      await send(alice, chatId, { type: 'image', media: { id: image.id }, content: 'a caption' }),
      await send(alice, chatId, { type: 'video', media: { id: video.id } }),
      await send(alice, chatId, { type: 'audio', media: { id: voice.id } }),
      await send(alice, chatId, { type: 'file', media: { id: pdf.id } }),
      await send(alice, chatId, { type: 'location', location: { lat: 48.8584, lng: 2.2945, name: 'Eiffel Tower' } }),
    ];
    expect(sent.map((s) => s.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const [t, i, v, a, f, l] = sent.map((s) => s.body.message);
    expect(t).toMatchObject({ type: 'text', content: 'hello' });
    expect(t.media).toBeUndefined();
    expect(i).toMatchObject({ type: 'image', content: 'a caption', media: { id: image.id, kind: 'image', width: 64, height: 48 } });
    expect(i.media.preview).toMatch(/^data:image\/webp/);
    expect(i.media.thumbUrl).toMatch(/^\/api\/v1\/media\//);
    expect(v).toMatchObject({ type: 'video', content: '', media: { kind: 'video', width: 64, height: 48 } });
    expect(v.media.durationMs).toBeGreaterThan(0);
    expect(a).toMatchObject({ type: 'audio', media: { kind: 'audio', mime: 'audio/ogg' } });
    expect(f).toMatchObject({ type: 'file', media: { kind: 'file', mime: 'application/pdf', name: 'doc.pdf' } });
    expect(l).toMatchObject({ type: 'location', content: '', location: { lat: 48.8584, lng: 2.2945, name: 'Eiffel Tower' } });

    // History presents them the same way, with URLs the recipient can use.
    const seen = await history(bob, chatId);
    expect(seen.map((m: any) => m.type)).toEqual(['text', 'image', 'video', 'audio', 'file', 'location']);
    expect((await fetch(`${server.baseUrl}${seen[1].media.url}`)).status).toBe(200);
  });

  it('delivers media messages over the WebSocket with the media record in the frame', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const image = await uploaded(alice, await pngOf(12), 'p.png');
    const a = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const b = await TestSocket.connect(server.wsUrl, bob.accessToken);
    a.send({ type: 'send', clientMsgId: 'img-1', chatId, message: { type: 'image', content: '', media: { id: image.id } } });
    const ack = await a.next((fr) => fr.type === 'ack' && fr.clientMsgId === 'img-1');
    expect(ack.message.media).toMatchObject({ id: image.id, kind: 'image' });
    const got = await b.next((fr) => fr.type === 'message', 5000, true);
    expect(got.message.media.url).toBe(ack.message.media.url);
    a.close();
    b.close();
  });

  it('refuses a location outside ±90/±180, or missing, with 400 naming the field', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const badLat = await send(alice, chatId, { type: 'location', location: { lat: 90.5, lng: 0 } });
    expect(badLat.status).toBe(400);
    expect(badLat.body.error.message).toMatch(/^location\.lat/);
    const badLng = await send(alice, chatId, { type: 'location', location: { lat: 0, lng: -180.01 } });
    expect(badLng.status).toBe(400);
    expect(badLng.body.error.message).toMatch(/^location\.lng/);
    expect((await send(alice, chatId, { type: 'location' })).status).toBe(400);
    expect((await send(alice, chatId, { type: 'location', location: { lat: -90, lng: 180 } })).status).toBe(201);

    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    socket.send({ type: 'send', clientMsgId: 'loc-1', chatId, message: { type: 'location', content: '', location: { lat: 100, lng: 0 } } });
    const error = await socket.next((fr) => fr.type === 'error' && fr.ref === 'loc-1');
    expect(error.error).toMatchObject({ code: 'invalid_request' });
    expect(error.error.message).toMatch(/^message\.location\.lat/);
    socket.close();
  });

  it('refuses media messages without media, with media of another user, or of the wrong kind', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const bobsImage = await uploaded(bob, await pngOf(13), 'b.png');
    const alicesImage = await uploaded(alice, await pngOf(14), 'a.png');
    expect((await send(alice, chatId, { type: 'image' })).status).toBe(400);
    expect((await send(alice, chatId, { type: 'image', media: { id: bobsImage.id } })).status).toBe(400);
    expect((await send(alice, chatId, { type: 'image', media: { id: 'no-such-upload' } })).status).toBe(400);
    const wrongKind = await send(alice, chatId, { type: 'video', media: { id: alicesImage.id } });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.error.message).toMatch(/^message\.media\.id: a image upload cannot be sent as a video message/);
    expect((await send(alice, chatId, { type: 'text', content: 'x', media: { id: alicesImage.id } })).status).toBe(400);
    expect((await send(alice, chatId, { type: 'text', content: '   ' })).status).toBe(400);
    // Any upload may go as a file (a photo sent as a document).
    expect((await send(alice, chatId, { type: 'file', media: { id: alicesImage.id } })).status).toBe(201);
  });
});

describe('replies', () => {
  it('a reply carries a quote of the original (sender, type, snippet), which follows the original being deleted', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const original = await text(alice, chatId, 'Shall we meet at the station at nine, or is that too early for you?');
    const image = await uploaded(alice, await pngOf(15), 'p.png');
    const photo = (await send(alice, chatId, { type: 'image', media: { id: image.id }, content: 'the view' })).body.message;
    const reply = (await send(bob, chatId, { type: 'text', content: 'nine is fine', replyTo: original.id })).body.message;
    expect(reply.replyTo).toBe(original.id);
    expect(reply.quote).toEqual({ messageId: original.id, senderId: alice.id, type: 'text', snippet: original.content });
    const toPhoto = (await send(bob, chatId, { type: 'text', content: 'wow', replyTo: photo.id })).body.message;
    expect(toPhoto.quote).toMatchObject({ type: 'image', snippet: 'the view' });

    await remove(alice, chatId, original.id, 'everyone');
    const later = (await history(bob, chatId)).find((m: any) => m.id === reply.id);
    expect(later.quote).toEqual({ messageId: original.id, senderId: alice.id, type: 'text', snippet: '', deleted: true });
    expect((await send(bob, chatId, { type: 'text', content: 'x', replyTo: 'unknown-id' })).status).toBe(400);
  });

  it("a quote of a message the viewer deleted for themselves says so to them, wherever they read the reply, and only to them", async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const original = await text(alice, chatId, 'the secret plan');
    expect((await remove(bob, chatId, original.id, 'me')).status).toBe(200);
    const reply = await text(alice, chatId, 'about that plan');
    const quoting = (await send(alice, chatId, { type: 'text', content: 'about that plan, again', replyTo: original.id })).body.message;
    const hiddenQuote = { messageId: original.id, senderId: alice.id, type: 'text', snippet: '', hidden: true };

    // History, one message, and a sync from nothing: Bob's quote is empty and says hidden.
    expect((await history(bob, chatId)).find((m: any) => m.id === quoting.id).quote).toEqual(hiddenQuote);
    expect((await api(server.baseUrl, 'GET', at(chatId, quoting.id), undefined, bob.accessToken)).body.message.quote).toEqual(hiddenQuote);
    const socket = await TestSocket.connect(server.wsUrl, bob.accessToken);
    socket.send({ type: 'sync', cursors: {}, changes: {} });
    const synced = (await socket.next((f) => f.type === 'synced')).chats.find((c: any) => c.chatId === chatId);
    expect(synced.messages.find((m: any) => m.id === quoting.id).quote).toEqual(hiddenQuote);
    socket.close();
    // Search finds the reply by its own text; its quote does not give the hidden one away either.
    const found = await api(server.baseUrl, 'GET', `/search?q=${encodeURIComponent('again')}&chatId=${chatId}`, undefined, bob.accessToken);
    expect(found.body.results.map((r: any) => r.message.quote)).toEqual([hiddenQuote]);

    // Alice did not hide it: she sees the quote as it was.
    expect((await history(alice, chatId)).find((m: any) => m.id === quoting.id).quote).toEqual({ messageId: original.id, senderId: alice.id, type: 'text', snippet: 'the secret plan' });
    expect(reply.quote).toBeUndefined();
  });
});

describe('editing', () => {
  it('pushes an edit of your own text to every device of every member, with editedAt', async () => {
    const [alice, bob] = await users(2);
    const alicePhone = await loginDevice(server.baseUrl, alice, 'phone');
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const message = await text(alice, chatId, 'see you at 9');
    const sockets = await Promise.all([alice, alicePhone, bob].map((u) => TestSocket.connect(server.wsUrl, u.accessToken)));

    const res = await edit(alice, chatId, message.id, 'see you at 10');
    expect(res.status).toBe(200);
    expect(res.body.message).toMatchObject({ id: message.id, seq: message.seq, content: 'see you at 10' });
    expect(new Date(res.body.message.editedAt).getTime()).toBeGreaterThanOrEqual(new Date(message.createdAt).getTime());
    for (const socket of sockets) {
      const frame = await socket.next((f) => f.type === 'message.updated', 5000, true);
      expect(frame.message).toEqual(res.body.message);
    }
    expect((await history(bob, chatId))[0]).toMatchObject({ content: 'see you at 10', editedAt: res.body.message.editedAt });
    sockets.forEach((s) => s.close());
  });

  it("refuses editing someone else's message with 403, a non-text one with 400 and a deleted one with 409", async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const message = await text(alice, chatId, 'mine');
    const res = await edit(bob, chatId, message.id, 'hijacked');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    const location = (await send(alice, chatId, { type: 'location', location: { lat: 1, lng: 2 } })).body.message;
    expect((await edit(alice, chatId, location.id, 'x')).status).toBe(400);
    expect((await edit(alice, chatId, message.id, '  ')).status).toBe(400);
    await remove(alice, chatId, message.id, 'everyone');
    expect((await edit(alice, chatId, message.id, 'again')).status).toBe(409);
    expect((await edit(alice, chatId, 'unknown', 'x')).status).toBe(404);
    expect((await history(alice, chatId))[0].content).toBe('');
  });
});

describe('deleting', () => {
  it('delete for everyone leaves a tombstone with the same seq and no content, pushed to all', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const image = await uploaded(alice, await pngOf(16), 'p.png');
    const message = (await send(alice, chatId, { type: 'image', media: { id: image.id }, content: 'oops' })).body.message;
    await react(bob, chatId, message.id, '😮');
    const b = await TestSocket.connect(server.wsUrl, bob.accessToken);
    const res = await remove(alice, chatId, message.id, 'everyone');
    expect(res.status).toBe(200);
    const tombstone = res.body.message;
    expect(tombstone).toMatchObject({ id: message.id, seq: message.seq, type: 'image', content: '' });
    expect(tombstone.deletedAt).toEqual(expect.any(String));
    expect(tombstone.media).toBeUndefined();
    expect(tombstone.reactions).toBeUndefined();
    expect((await b.next((f) => f.type === 'message.updated', 5000, true)).message).toEqual(tombstone);
    expect(await history(bob, chatId)).toEqual([tombstone]);
    // Deleting again changes nothing and pushes nothing.
    expect((await remove(alice, chatId, message.id, 'everyone')).body.message).toEqual(tombstone);
    b.close();
  });

  it("refuses deleting someone else's message for everyone in a private chat, or as a plain group member", async () => {
    const [alice, bob, carol] = await users(3);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const message = await text(alice, chatId, 'keep me');
    expect((await remove(bob, chatId, message.id, 'everyone')).status).toBe(403);
    const groupId = await createGroup(server.baseUrl, alice, [bob, carol]);
    const inGroup = await text(bob, groupId, 'from bob');
    expect((await remove(carol, groupId, inGroup.id, 'everyone')).status).toBe(403);
    expect((await remove(carol, groupId, inGroup.id, 'wrong' as 'me')).status).toBe(400);
  });

  it("lets a group admin delete anyone's message for everyone", async () => {
    const [admin, bob, carol] = await users(3);
    const groupId = await createGroup(server.baseUrl, admin, [bob, carol]);
    const message = await text(bob, groupId, 'spam spam spam');
    const c = await TestSocket.connect(server.wsUrl, carol.accessToken);
    const res = await remove(admin, groupId, message.id, 'everyone');
    expect(res.status).toBe(200);
    expect(res.body.message).toMatchObject({ id: message.id, senderId: bob.id, content: '' });
    expect((await c.next((f) => f.type === 'message.updated', 5000, true)).message.deletedAt).toBeDefined();
    c.close();
  });

  it('delete for me hides the message on all of my devices only; others still see it', async () => {
    const [alice, bob] = await users(2);
    const alicePhone = await loginDevice(server.baseUrl, alice, 'phone');
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const message = await text(bob, chatId, 'an embarrassing photo description');
    const [laptop, phone, b] = await Promise.all([alice, alicePhone, bob].map((u) => TestSocket.connect(server.wsUrl, u.accessToken)));

    const res = await remove(alice, chatId, message.id, 'me');
    expect(res.status).toBe(200);
    expect(res.body.message).toMatchObject({ id: message.id, seq: message.seq, hidden: true, content: '' });
    for (const socket of [laptop, phone]) expect((await socket.next((f) => f.type === 'message.updated', 5000, true)).message.hidden).toBe(true);
    expect((await history(alice, chatId))[0]).toMatchObject({ seq: message.seq, hidden: true, content: '' });
    expect((await history(bob, chatId))[0]).toMatchObject({ content: 'an embarrassing photo description' });
    expect((await history(bob, chatId))[0].hidden).toBeUndefined();

    // Later changes by others reach Alice in the hidden form, Bob in full.
    await react(bob, chatId, message.id, '👍');
    const bobSees = await b.next((f) => f.type === 'message.updated', 5000, true);
    expect(bobSees.message.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [bob.id] }]);
    await laptop.waitForCount((f) => f.type === 'message.updated', 2);
    expect(updatesOf(laptop, message.id).every((f) => f.message.hidden === true && f.message.content === '' && !f.message.reactions)).toBe(true);
    expect(b.frames.filter((f) => f.type === 'message.updated')).toHaveLength(1); // the hide itself was not Bob's business
    [laptop, phone, b].forEach((s) => s.close());
  });
});

describe('reactions', () => {
  it('one emoji per user per message: adding, replacing and toggling off, pushed to members', async () => {
    const [alice, bob, carol] = await users(3);
    const groupId = await createGroup(server.baseUrl, alice, [bob, carol]);
    const message = await text(alice, groupId, 'pizza tonight?');
    const c = await TestSocket.connect(server.wsUrl, carol.accessToken);

    expect((await react(alice, groupId, message.id, '👍')).body.message.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [alice.id] }]);
    expect((await react(bob, groupId, message.id, '👍')).body.message.reactions).toEqual([{ emoji: '👍', count: 2, userIds: [alice.id, bob.id] }]);
    // Replacing: Bob's thumbs up becomes a heart.
    expect((await react(bob, groupId, message.id, '❤️')).body.message.reactions).toEqual([
      { emoji: '👍', count: 1, userIds: [alice.id] },
      { emoji: '❤️', count: 1, userIds: [bob.id] },
    ]);
    // Toggling: the same emoji again takes it off.
    const off = await react(alice, groupId, message.id, '👍');
    expect(off.body.message.reactions).toEqual([{ emoji: '❤️', count: 1, userIds: [bob.id] }]);
    // History shows them too, on a page where only one message has any.
    await text(bob, groupId, 'yes');
    const page = await history(carol, groupId);
    expect(page.map((m: { content: string; reactions?: unknown }) => [m.content, m.reactions])).toEqual([
      ['pizza tonight?', [{ emoji: '❤️', count: 1, userIds: [bob.id] }]],
      ['yes', undefined],
    ]);
    const removed = await api(server.baseUrl, 'DELETE', `${at(groupId, message.id)}/reactions`, undefined, bob.accessToken);
    expect(removed.status).toBe(200);
    expect(removed.body.message.reactions).toBeUndefined();

    await c.waitForCount((f) => f.type === 'message.updated', 5);
    expect(updatesOf(c, message.id).map((f) => f.message.reactions?.length ?? 0)).toEqual([1, 1, 2, 1, 0]);
    expect((await history(carol, groupId))[0].reactions).toBeUndefined();
    c.close();
  });

  it('refuses what is not a single emoji, and reactions from non-members', async () => {
    const [alice, bob, mallory] = await users(3);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const message = await text(alice, chatId, 'hi');
    for (const bad of ['ok', '👍👍', '1', 'a👍']) expect((await react(bob, chatId, message.id, bad)).status).toBe(400);
    for (const good of ['👍🏽', '👨‍👩‍👧', '🇫🇷', '❤️']) expect((await react(bob, chatId, message.id, good)).status).toBe(200);
    expect((await react(mallory, chatId, message.id, '👍')).status).toBe(403);
  });
});

describe('forwarding', () => {
  it('forwards a message with its media into another chat, where its members can open the media', async () => {
    const [alice, bob, carol] = await users(3);
    const withBob = await openPrivateChat(server.baseUrl, alice, bob);
    const bobWithCarol = await openPrivateChat(server.baseUrl, bob, carol);
    const image = await uploaded(alice, await pngOf(17), 'p.png');
    const original = (await send(alice, withBob, { type: 'image', media: { id: image.id }, content: 'sunset' })).body.message;
    expect((await api(server.baseUrl, 'GET', `/media/${image.id}`, undefined, carol.accessToken)).status).toBe(403);

    const res = await api(server.baseUrl, 'POST', `${at(withBob, original.id)}/forward`, { toChatId: bobWithCarol, clientMsgId: 'fwd-1' }, bob.accessToken);
    expect(res.status).toBe(201);
    expect(res.body.message).toMatchObject({ chatId: bobWithCarol, senderId: bob.id, type: 'image', content: 'sunset', forwarded: true, media: { id: image.id } });
    expect(res.body.message.id).not.toBe(original.id);
    const forCarol = await api(server.baseUrl, 'GET', `/media/${image.id}`, undefined, carol.accessToken);
    expect(forCarol.status).toBe(200);
    // The same clientMsgId forwards once.
    const again = await api(server.baseUrl, 'POST', `${at(withBob, original.id)}/forward`, { toChatId: bobWithCarol, clientMsgId: 'fwd-1' }, bob.accessToken);
    expect(again.body.message.id).toBe(res.body.message.id);
    expect(await history(carol, bobWithCarol)).toHaveLength(1);
  });

  it('forwards locations and text, and refuses forwarding into a chat you are not in', async () => {
    const [alice, bob, carol] = await users(3);
    const withBob = await openPrivateChat(server.baseUrl, alice, bob);
    const withCarol = await openPrivateChat(server.baseUrl, alice, carol);
    const bobCarol = await openPrivateChat(server.baseUrl, bob, carol);
    const place = (await send(bob, withBob, { type: 'location', location: { lat: 10, lng: 20, name: 'Cafe' } })).body.message;
    const fwd = await api(server.baseUrl, 'POST', `${at(withBob, place.id)}/forward`, { toChatId: withCarol }, alice.accessToken);
    expect(fwd.body.message).toMatchObject({ type: 'location', location: { lat: 10, lng: 20, name: 'Cafe' }, forwarded: true, senderId: alice.id });
    const notMine = await api(server.baseUrl, 'POST', `${at(withBob, place.id)}/forward`, { toChatId: bobCarol }, alice.accessToken);
    expect(notMine.status).toBe(403);
    const notSeen = await api(server.baseUrl, 'POST', `${at(bobCarol, 'whatever')}/forward`, { toChatId: withCarol }, alice.accessToken);
    expect(notSeen.status).toBe(403);
  });
});

describe('catch-up of changes', () => {
  it('a device that was offline gets the edits, deletions, reactions and its user’s hides of messages it already had', async () => {
    const [alice, bob] = await users(2);
    const bobPhone = await loginDevice(server.baseUrl, bob, 'phone');
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const [m1, m2, m3, m4] = [await text(alice, chatId, 'one'), await text(alice, chatId, 'two'), await text(alice, chatId, 'three'), await text(alice, chatId, 'four')];

    // The phone catches up, holds seq 1..4 and is current to some changeSeq.
    let phone = await TestSocket.connect(server.wsUrl, bobPhone.accessToken);
    phone.send({ type: 'sync', cursors: {}, changes: {} });
    const first = await phone.next((f) => f.type === 'synced');
    const held = first.chats.find((c: any) => c.chatId === chatId);
    expect(held.messages.map((m: any) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(held.updates).toEqual([]);
    const changeSeq = held.changeSeq;
    phone.close();

    // While it is away: an edit, a deletion, a reaction, a hide from Bob's other device, a new message.
    await edit(alice, chatId, m1.id, 'one (edited)');
    await remove(alice, chatId, m2.id, 'everyone');
    await react(alice, chatId, m3.id, '🎉');
    await remove(bob, chatId, m4.id, 'me');
    const m5 = await text(alice, chatId, 'five');

    phone = await TestSocket.connect(server.wsUrl, bobPhone.accessToken);
    phone.send({ type: 'sync', cursors: { [chatId]: 4 }, changes: { [chatId]: changeSeq } });
    const second = (await phone.next((f) => f.type === 'synced')).chats.find((c: any) => c.chatId === chatId);
    expect(second.messages.map((m: any) => m.id)).toEqual([m5.id]);
    expect(second.hasMore).toBe(false);
    const byId = new Map(second.updates.map((m: any) => [m.id, m]));
    expect(second.updates.map((m: any) => m.seq)).toEqual([1, 2, 3, 4]); // in the order the changes happened
    expect(byId.get(m1.id)).toMatchObject({ content: 'one (edited)', editedAt: expect.any(String) });
    expect(byId.get(m2.id)).toMatchObject({ content: '', deletedAt: expect.any(String) });
    expect(byId.get(m3.id)).toMatchObject({ reactions: [{ emoji: '🎉', count: 1, userIds: [alice.id] }] });
    expect(byId.get(m4.id)).toMatchObject({ hidden: true });
    expect(second.changeSeq).toBeGreaterThan(changeSeq);
    expect(second.updates.every((m: any) => m.changeSeq > changeSeq && m.changeSeq <= second.changeSeq)).toBe(true);

    // Current now: the chat is left out of the next answer.
    phone.send({ type: 'sync', cursors: { [chatId]: 5 }, changes: { [chatId]: second.changeSeq } });
    expect((await phone.next((f) => f.type === 'synced', 5000)).chats.filter((c: any) => c.chatId === chatId)).toEqual([]);
    phone.close();
  });

  it("another member's hide is not an update for you, and REST /sync carries changes too", async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const m1 = await text(alice, chatId, 'hello');
    const before = await api(server.baseUrl, 'POST', '/sync', { cursors: { [chatId]: 1 }, changes: {} }, alice.accessToken);
    expect(before.status).toBe(200);
    const since = before.body.chats.find((c: any) => c.chatId === chatId)?.changeSeq ?? 0;
    await remove(bob, chatId, m1.id, 'me');
    const after = await api(server.baseUrl, 'POST', '/sync', { cursors: { [chatId]: 1 }, changes: { [chatId]: since } }, alice.accessToken);
    const chat = after.body.chats.find((c: any) => c.chatId === chatId);
    expect(chat.updates).toEqual([]);
    expect(chat.changeSeq).toBeGreaterThan(since);
    // Without `changes` the answer is as before: messages only.
    const plain = await api(server.baseUrl, 'POST', '/sync', { cursors: {} }, alice.accessToken);
    expect(plain.body.chats.find((c: any) => c.chatId === chatId).updates).toBeUndefined();
  });

  it('pages updates when more changed than the limit, without losing any', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const messages = [];
    for (let i = 0; i < 7; i++) messages.push(await text(alice, chatId, `m${i}`));
    for (const m of messages) await edit(alice, chatId, m.id, `${m.content}!`);
    await remove(bob, chatId, messages[2].id, 'me');
    const socket = await TestSocket.connect(server.wsUrl, bob.accessToken);
    let changeSeq = 0;
    const seen = new Map<number, any>();
    for (let round = 0; round < 10; round++) {
      socket.send({ type: 'sync', cursors: { [chatId]: 7 }, changes: { [chatId]: changeSeq }, limit: 3 });
      const chat = (await socket.next((f) => f.type === 'synced')).chats.find((c: any) => c.chatId === chatId);
      if (!chat) break;
      for (const m of chat.updates) seen.set(m.seq, m);
      changeSeq = chat.changeSeq;
      if (!chat.hasMore) break;
    }
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seen.get(3).hidden).toBe(true);
    expect(seen.get(1).content).toBe('m0!');
    socket.close();
  });
});

describe('history pages', () => {
  const unsigned = (m: any) => (m.media ? { ...m, media: { ...m.media, url: undefined, urlExpiresAt: undefined, thumbUrl: undefined } } : m);
  const page = async (user: TestUser, chatId: string, query: string) => {
    const res = await api(server.baseUrl, 'GET', `/chats/${chatId}/messages${query}`, undefined, user.accessToken);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('show each message as its last change left it, to each viewer, whichever way they are paged', async () => {
    const [alice, bob, carol] = await users(3);
    const groupId = await createGroup(server.baseUrl, alice, [bob, carol]);
    const image = await uploaded(alice, await pngOf(21), 'p.png');
    const photo = (await send(alice, groupId, { type: 'image', media: { id: image.id }, content: 'the view' })).body.message;
    const question = await text(alice, groupId, 'pizza tonight?');
    const reply = (await send(bob, groupId, { type: 'text', content: 'yes', replyTo: question.id })).body.message;
    await react(bob, groupId, question.id, '👍');
    await react(carol, groupId, question.id, '❤️');
    const reacted = (await react(alice, groupId, question.id, '👍')).body.message;
    const oops = await text(carol, groupId, 'oops');
    const tombstone = (await remove(carol, groupId, oops.id, 'everyone')).body.message;
    const secret = await text(alice, groupId, 'between us');
    const hiddenForBob = (await remove(bob, groupId, secret.id, 'me')).body.message;
    const place = (await send(alice, groupId, { type: 'location', location: { lat: 48.8584, lng: 2.2945, name: 'Eiffel Tower' } })).body.message;

    expect(reacted.reactions).toEqual([{ emoji: '👍', count: 2, userIds: [bob.id, alice.id] }, { emoji: '❤️', count: 1, userIds: [carol.id] }]);
    const forBob = [photo, reacted, reply, tombstone, hiddenForBob, place].map(unsigned);
    const newest = await page(bob, groupId, '');
    expect(newest.messages.map(unsigned)).toEqual(forBob);
    expect(newest.hasMore).toBe(false);
    // Pages of two back from the end and forward from the start cut the same rows at other places.
    const back = [...(await page(bob, groupId, '?limit=2&before=3')).messages, ...(await page(bob, groupId, '?limit=2&before=5')).messages, ...(await page(bob, groupId, '?limit=2&before=7')).messages];
    expect(back.map(unsigned)).toEqual(forBob);
    const ahead = await page(bob, groupId, '?limit=4&after=2');
    expect(ahead.messages.map(unsigned)).toEqual(forBob.slice(2));
    expect(ahead.hasMore).toBe(false);
    expect((await page(bob, groupId, '?limit=2&after=2&before=6')).messages.map((m: any) => m.seq)).toEqual([4, 5]);
    // Only Bob hid it: Alice sees it in full.
    expect((await page(alice, groupId, '?after=4&before=6')).messages).toEqual([secret]);
    expect((await fetch(`${server.baseUrl}${newest.messages[0].media.url}`)).status).toBe(200);
  });
});
