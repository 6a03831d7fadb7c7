import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createGroup, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { startServer, type TestServer } from './support/server.js';
import { pngOf, upload } from './support/media.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const users = (n: number) => Promise.all(Array.from({ length: n }, () => registerUser(server.baseUrl)));
const send = async (from: TestUser, chatId: string, message: Record<string, unknown>) => {
  const res = await api(server.baseUrl, 'POST', `/chats/${chatId}/messages`, { clientMsgId: crypto.randomUUID(), content: '', ...message }, from.accessToken);
  expect(res.status).toBe(201);
  return res.body.message;
};
const text = (from: TestUser, chatId: string, content: string) => send(from, chatId, { type: 'text', content });
const at = (chatId: string, messageId: string) => `/chats/${chatId}/messages/${messageId}`;
const lookUp = (user: TestUser, chatId: string, messageId: string) => api(server.baseUrl, 'GET', at(chatId, messageId), undefined, user.accessToken);
const history = async (user: TestUser, chatId: string) => (await api(server.baseUrl, 'GET', `/chats/${chatId}/messages`, undefined, user.accessToken)).body.messages;
/** Signed media URLs carry their signing time; everything else must match to the letter. */
const unsigned = (m: any) => (m.media ? { ...m, media: { ...m.media, url: undefined, urlExpiresAt: undefined, thumbUrl: undefined } } : m);

describe('message lookup by id', () => {
  it('gives a member the message with its seq, exactly as history shows it', async () => {
    const [alice, bob, carol] = await users(3);
    const groupId = await createGroup(server.baseUrl, alice, [bob, carol]);
    for (let n = 1; n <= 4; n++) await text(alice, groupId, `m${n}`);
    const question = await text(alice, groupId, 'pizza tonight?');
    const image = await upload(server.baseUrl, alice.accessToken, await pngOf(31), 'p.png');
    const photo = await send(alice, groupId, { type: 'image', media: { id: image.body.id }, content: 'the place' });
    const reply = await send(bob, groupId, { type: 'text', content: 'yes', replyTo: question.id });
    await api(server.baseUrl, 'POST', `${at(groupId, question.id)}/reactions`, { emoji: '👍' }, carol.accessToken);

    const shown = new Map((await history(bob, groupId)).map((m: any) => [m.id, m]));
    for (const message of [question, photo, reply]) {
      const res = await lookUp(bob, groupId, message.id);
      expect(res.status).toBe(200);
      expect(unsigned(res.body.message)).toEqual(unsigned(shown.get(message.id)));
    }
    const found = (await lookUp(bob, groupId, question.id)).body.message;
    expect(found).toMatchObject({ id: question.id, seq: 5, content: 'pizza tonight?', reactions: [{ emoji: '👍', count: 1, userIds: [carol.id] }] });
    expect((await lookUp(carol, groupId, reply.id)).body.message).toMatchObject({ seq: 7, quote: { messageId: question.id, snippet: 'pizza tonight?' } });
    expect((await lookUp(carol, groupId, photo.id)).body.message.media).toMatchObject({ id: image.body.id, kind: 'image' });
  });

  it('refuses a stranger as history does, and an unknown chat as history does', async () => {
    const [alice, bob, stranger] = await users(3);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const message = await text(alice, chatId, 'just us');
    const refused = await lookUp(stranger, chatId, message.id);
    const historyRefused = await api(server.baseUrl, 'GET', `/chats/${chatId}/messages`, undefined, stranger.accessToken);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe(historyRefused.body.error.code);
    const unknown = await lookUp(bob, 'no-such-chat', message.id);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toEqual((await api(server.baseUrl, 'GET', '/chats/no-such-chat/messages', undefined, bob.accessToken)).body.error);
  });

  it('does not find a message of another chat, or an unknown id', async () => {
    const [alice, bob, carol] = await users(3);
    const ours = await openPrivateChat(server.baseUrl, alice, bob);
    const theirs = await openPrivateChat(server.baseUrl, alice, carol);
    const elsewhere = await text(alice, theirs, 'for carol');
    for (const id of [elsewhere.id, crypto.randomUUID()]) {
      const res = await lookUp(bob, ours, id);
      expect(res.status).toBe(404);
      expect(res.body.error).toEqual({ code: 'not_found', message: 'message not found' });
    }
    // Alice is in both chats, but the message is looked up in the chat it belongs to.
    expect((await lookUp(alice, ours, elsewhere.id)).status).toBe(404);
    expect((await lookUp(alice, theirs, elsewhere.id)).status).toBe(200);
  });

  it('shows a message hidden for me in its hidden form, as history does, and whole to the other member', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const secret = await text(alice, chatId, 'between us');
    const hidden = (await api(server.baseUrl, 'DELETE', `${at(chatId, secret.id)}?for=me`, undefined, bob.accessToken)).body.message;
    const forBob = await lookUp(bob, chatId, secret.id);
    expect(forBob.status).toBe(200);
    expect(forBob.body.message).toEqual(hidden);
    expect(forBob.body.message).toMatchObject({ seq: secret.seq, hidden: true, content: '' });
    expect(forBob.body.message).toEqual((await history(bob, chatId))[0]);
    expect((await lookUp(alice, chatId, secret.id)).body.message).toEqual(secret);
  });

  it('shows a message deleted for everyone as the tombstone history shows', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const oops = await text(alice, chatId, 'oops');
    await api(server.baseUrl, 'DELETE', `${at(chatId, oops.id)}?for=everyone`, undefined, alice.accessToken);
    const res = await lookUp(bob, chatId, oops.id);
    expect(res.status).toBe(200);
    expect(res.body.message).toEqual((await history(bob, chatId))[0]);
    expect(res.body.message).toMatchObject({ id: oops.id, seq: 1, content: '' });
    expect(res.body.message.deletedAt).toBeDefined();
  });

  it('answers a malformed id with 400 naming the field', async () => {
    const [alice, bob] = await users(2);
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const message = await text(alice, chatId, 'hi');
    const badMessageId = await lookUp(bob, chatId, 'x'.repeat(65));
    expect(badMessageId.status).toBe(400);
    expect(badMessageId.body.error.code).toBe('invalid_request');
    expect(badMessageId.body.error.message).toMatch(/^messageId: /);
    const badChatId = await lookUp(bob, 'x'.repeat(65), message.id);
    expect(badChatId.status).toBe(400);
    expect(badChatId.body.error.message).toMatch(/^id: /);
  });

  it('is in the OpenAPI document beside history', async () => {
    const doc = await fetch(`${server.baseUrl}/api/openapi.json`).then((r) => r.json());
    const get = doc.paths['/chats/{id}/messages/{messageId}']?.get;
    expect(Object.keys(get.responses['200'].content['application/json'].schema.properties)).toEqual(['message']);
    expect(Object.keys(get.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
  });
});
