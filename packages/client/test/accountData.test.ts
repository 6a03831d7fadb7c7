import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyClient, ParleyError } from '../src/index.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { uniqueName } from '../../server/test/support/api.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ EXPORT_RATE_PER_HOUR: '100' });
});
afterAll(() => server.close());

const PASSWORD = 'a long enough password';

async function signedUp(): Promise<ParleyClient> {
  const client = new ParleyClient({ baseUrl: server.baseUrl });
  await client.register(uniqueName('gdpr'), PASSWORD);
  return client;
}

describe('the SDK for your data', () => {
  it('exportAccount returns the parsed export with the messages sent', async () => {
    const [alice, bob] = [await signedUp(), await signedUp()];
    const chat = await alice.openPrivateChat(bob.session!.user.id);
    await alice.connect();
    const sent = await alice.sent(alice.send(chat.id, 'for the record').clientMsgId);
    const data = await alice.exportAccount();
    expect(data.format).toBe('parley-export/1');
    expect(data.user).toMatchObject({ id: alice.session!.user.id, username: alice.session!.user.username });
    expect(data.messages.map((m) => m.content)).toEqual(['for the record']);
    expect(data.messages[0]!.id).toBe(sent.id);
    expect(data.chats.map((c) => c.id)).toEqual([chat.id]);
    await alice.close();
  });

  it('deleteAccount with a wrong password rejects with unauthorized and keeps the session', async () => {
    const alice = await signedUp();
    await expect(alice.deleteAccount('not my password')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(alice.session).toBeDefined();
    expect((await alice.request<{ id: string }>('GET', '/users/me')).id).toBe(alice.session!.user.id);
  });

  it('deleteAccount ends the session like logout; the peer sees a deleted account and its messages gone', async () => {
    const [alice, bob] = [await signedUp(), await signedUp()];
    const chat = await alice.openPrivateChat(bob.session!.user.id);
    await Promise.all([alice.connect(), bob.connect()]);
    const message = await alice.sent(alice.send(chat.id, 'soon gone').clientMsgId);
    const erased = new Promise((resolve) => bob.on('message.updated', (m) => m.id === message.id && resolve(m)));
    const username = alice.session!.user.username;
    await alice.deleteAccount(PASSWORD, { deleteMessages: true });
    expect(alice.session).toBeUndefined();
    expect(await erased).toMatchObject({ content: '', deletedAt: expect.any(String) });
    const [seen] = await bob.chats();
    expect(seen!.members.find((m) => m.userId !== bob.session!.user.id)).toMatchObject({ displayName: 'Deleted account', deleted: true });
    await expect(new ParleyClient({ baseUrl: server.baseUrl }).login(username, PASSWORD)).rejects.toBeInstanceOf(ParleyError);
    await bob.close();
  });
});
