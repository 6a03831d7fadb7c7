import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore, ParleyClient, ParleyError, type ConnectionState, type LocalMessage, type Message, type SessionEnded } from '../src/index.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { uniqueName } from '../../server/test/support/api.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

async function signedUp(store?: MemoryStore): Promise<ParleyClient> {
  const client = new ParleyClient({ baseUrl: server.baseUrl, store });
  await client.register(uniqueName('sdk'), 'a long enough password');
  return client;
}

describe('ParleyClient', () => {
  it('registers, connects, sends, receives and reads history', async () => {
    const [alice, bob] = [await signedUp(), await signedUp()];
    const chat = await alice.openPrivateChat(bob.session!.user.id);
    expect(chat.type).toBe('private');

    const ready = await bob.connect();
    expect(ready.userId).toBe(bob.session!.user.id);
    expect(bob.state).toBe('ready');
    await alice.connect();
    const received: Message[] = [];
    bob.on('message', (message) => received.push(message));

    const local = alice.send(chat.id, 'hello from the SDK');
    expect(local).toMatchObject({ chatId: chat.id, content: 'hello from the SDK', status: 'sending' });
    const sent = await alice.sent(local.clientMsgId);
    expect(sent).toMatchObject({ chatId: chat.id, seq: 1, content: 'hello from the SDK', clientMsgId: local.clientMsgId });
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]).toEqual(sent);
    expect(alice.pending()).toEqual([]);

    const page = await bob.history(chat.id, { limit: 10 });
    expect(page.messages).toEqual([sent]);
    const chats = await bob.chats();
    expect(chats[0]).toMatchObject({ id: chat.id, lastMessage: { id: sent.id } });
    await alice.close();
    await bob.close();
    expect(bob.state).toBe('offline');
  });

  it('looks up one message by id, as history shows it, and refuses what history refuses', async () => {
    const [alice, bob, stranger] = [await signedUp(), await signedUp(), await signedUp()];
    const chat = await alice.openPrivateChat(bob.session!.user.id);
    await alice.connect();
    const sent: Message[] = [];
    for (const text of ['one', 'two', 'three']) sent.push(await alice.sent(alice.send(chat.id, text).clientMsgId));
    const reply = await alice.sent(alice.send(chat.id, { type: 'text', content: 'about two', replyTo: sent[1]!.id }).clientMsgId);

    const quoted = await bob.getMessage(chat.id, reply.quote!.messageId);
    expect(quoted).toEqual(sent[1]);
    expect(quoted.seq).toBe(2);
    expect(await bob.getMessage(chat.id, reply.id)).toEqual((await bob.history(chat.id)).messages[3]);
    await expect(stranger.getMessage(chat.id, sent[0]!.id)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(bob.getMessage(chat.id, '00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ status: 404, code: 'not_found' });
    await alice.close();
  });

  it('marks a send the server refuses as failed and keeps going', async () => {
    const [alice, bob] = [await signedUp(), await signedUp()];
    await alice.connect();
    const statuses: LocalMessage[] = [];
    alice.on('status', (m) => statuses.push(m));
    const bad = alice.send('not-a-chat', 'hi');
    const error = await alice.sent(bad.clientMsgId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('not_found');
    expect(statuses).toEqual([expect.objectContaining({ clientMsgId: bad.clientMsgId, status: 'failed', error: expect.objectContaining({ code: 'not_found' }) })]);
    expect(alice.pending()).toEqual([]);

    const chat = await alice.openPrivateChat(bob.session!.user.id);
    expect((await alice.sent(alice.send(chat.id, 'still here').clientMsgId)).seq).toBe(1);
    await alice.close();
  });

  it('refuses blank or oversized content at once', async () => {
    const alice = await signedUp();
    expect(() => alice.send('any', '   ')).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    expect(() => alice.send('any', 'x'.repeat(16 * 1024 + 1))).toThrow(expect.objectContaining({ code: 'payload_too_large' }));
    expect(alice.pending()).toEqual([]);
  });

  it('catches up from its cursors after a reconnect, each message once', async () => {
    const [alice, bob] = [await signedUp(), await signedUp()];
    const chat = await alice.openPrivateChat(bob.session!.user.id);
    await alice.connect();
    for (let i = 0; i < 5; i++) alice.send(chat.id, `m${i}`);
    await expect.poll(() => alice.pending().length).toBe(0);

    const received: Message[] = [];
    bob.on('message', (message) => received.push(message));
    await bob.refresh();
    await bob.connect();
    await expect.poll(() => received.length).toBe(5);
    await bob.close();

    for (let i = 5; i < 8; i++) alice.send(chat.id, `m${i}`);
    await expect.poll(() => alice.pending().length).toBe(0);
    await bob.connect();
    await expect.poll(() => bob.cursor(chat.id)).toBe(8);
    expect(received.map((m) => [m.seq, m.content])).toEqual(Array.from({ length: 8 }, (_, i) => [i + 1, `m${i}`]));
    await alice.close();
    await bob.close();
  });

  it('follows hasMore until caught up when more than a sync page is missing', async () => {
    const [alice, bob] = [await signedUp(), await signedUp()];
    const chat = await alice.openPrivateChat(bob.session!.user.id);
    await alice.connect();
    for (let i = 0; i < 1200; i++) alice.send(chat.id, `m${i}`);
    await expect.poll(() => alice.pending().length, { timeout: 20_000 }).toBe(0);

    const received: Message[] = [];
    bob.on('message', (message) => received.push(message));
    await bob.connect();
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(1200);
    expect(received.map((m) => m.seq)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    await alice.close();
    await bob.close();
  });

  it('logs out here and on the server, without a session.ended event', async () => {
    const alice = await signedUp();
    const ended: SessionEnded[] = [];
    alice.on('session.ended', (e) => ended.push(e));
    await alice.connect();
    const { accessToken } = alice.session!;
    await alice.logout();
    expect(alice.state).toBe('offline');
    expect(alice.session).toBeUndefined();
    const me = await fetch(`${server.baseUrl}/api/v1/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(ended).toEqual([]);
  });

  it('does not hand one user\'s queued messages to the next user of the same store', async () => {
    const store = new MemoryStore();
    const alice = await signedUp(store);
    alice.send('some-chat', 'queued while offline');
    await alice.close();
    expect((await store.load()).outbox).toHaveLength(1);

    const again = new ParleyClient({ baseUrl: server.baseUrl, store });
    await expect.poll(() => again.session?.user.id).toBe(alice.session!.user.id);
    expect(again.pending()).toHaveLength(1);
    await again.register(uniqueName('sdk'), 'a long enough password');
    expect(again.pending()).toEqual([]);
    await again.close();
    expect(await store.load()).toMatchObject({ owner: again.session!.user.id, outbox: [], cursors: {} });
  });

  it('reports a refused token as unauthorized and ends the session, and queues sends while offline', async () => {
    const alice = await signedUp();
    alice.session = { ...alice.session!, accessToken: 'forged' };
    const states: ConnectionState[] = [];
    const ended: SessionEnded[] = [];
    alice.on('state', (s) => states.push(s));
    alice.on('session.ended', (e) => ended.push(e));
    await expect(alice.connect()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(states).toEqual(['connecting', 'offline']);
    expect(ended).toEqual([expect.objectContaining({ code: 'unauthorized', revoked: false })]);
    expect(alice.session).toBeUndefined();

    const queued = alice.send('any', 'x');
    expect(queued.status).toBe('sending');
    expect(alice.pending()).toEqual([expect.objectContaining({ clientMsgId: queued.clientMsgId, status: 'sending' })]);
  });

  it('surfaces REST errors as ParleyError with the catalogue code', async () => {
    const client = new ParleyClient({ baseUrl: server.baseUrl });
    const error = await client.login('nobody_here', 'wrong password').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
  });
});
