import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyClient, ParleyError, type Message } from '../src/index.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { uniqueName } from '../../server/test/support/api.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

async function signedUp(): Promise<ParleyClient> {
  const client = new ParleyClient({ baseUrl: server.baseUrl });
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
    await alice.connect();
    const received: Message[] = [];
    bob.on('message', (frame) => received.push(frame.message));

    const sent = await alice.send(chat.id, { type: 'text', content: 'hello from the SDK' });
    expect(sent).toMatchObject({ chatId: chat.id, seq: 1, content: 'hello from the SDK' });
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]).toEqual(sent);

    const page = await bob.history(chat.id, { limit: 10 });
    expect(page.messages).toEqual([sent]);
    const chats = await bob.chats();
    expect(chats[0]).toMatchObject({ id: chat.id, unreadCount: 1, lastMessage: { id: sent.id } });
    alice.close();
    bob.close();
  });

  it('rejects a send with the server error and keeps going', async () => {
    const [alice, bob] = [await signedUp(), await signedUp()];
    await alice.connect();
    const error = await alice.send('not-a-chat', { type: 'text', content: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('not_found');
    const chat = await alice.openPrivateChat(bob.session!.user.id);
    expect((await alice.send(chat.id, { type: 'text', content: 'still here' })).seq).toBe(1);
    alice.close();
  });

  it('catches up with sync and refreshes its tokens', async () => {
    const [alice, bob] = [await signedUp(), await signedUp()];
    const chat = await alice.openPrivateChat(bob.session!.user.id);
    await alice.connect();
    for (let i = 0; i < 5; i++) await alice.send(chat.id, { type: 'text', content: `m${i}` });
    await bob.refresh();
    await bob.connect();
    const synced = await bob.sync({ [chat.id]: 2 });
    expect(synced).toHaveLength(1);
    expect(synced[0]!.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
    alice.close();
    bob.close();
  });

  it('reports a refused token as unauthorized, and sends while offline fail at once', async () => {
    const alice = await signedUp();
    alice.session = { ...alice.session!, accessToken: 'forged' };
    await expect(alice.connect()).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(alice.send('any', { type: 'text', content: 'x' })).rejects.toMatchObject({ code: 'network_error' });
  });

  it('surfaces REST errors as ParleyError with the catalogue code', async () => {
    const client = new ParleyClient({ baseUrl: server.baseUrl });
    const error = await client.login('nobody_here', 'wrong password').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
  });
});
