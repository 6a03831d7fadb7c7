import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore, ParleyClient, type SessionEnded } from '../src/index.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { registerUser, type TestUser } from '../../server/test/support/api.js';

// Two-second access tokens (refreshed every 1.6 s) and no grace for a refresh token presented
// twice: any second use of one revokes the session.
let server: TestServer;
const clients: ParleyClient[] = [];

beforeAll(async () => {
  server = await startServer({ ACCESS_TOKEN_TTL_SEC: '2', REFRESH_REUSE_GRACE_MS: '0' });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await server.close();
});

/** Like two browser tabs: two clients on one store, the second opened once the first stored the session. */
async function twoTabs(user: TestUser) {
  const store = new MemoryStore();
  const first = new ParleyClient({ baseUrl: server.baseUrl, store });
  first.session = { user: { id: user.id, username: user.username, displayName: user.username }, accessToken: user.accessToken, refreshToken: user.refreshToken };
  await expect.poll(async () => (await store.load()).session?.refreshToken).toBe(user.refreshToken);
  const second = new ParleyClient({ baseUrl: server.baseUrl, store });
  clients.push(first, second);
  const ended: SessionEnded[] = [];
  for (const tab of [first, second]) tab.on('session.ended', (e) => ended.push(e));
  await Promise.all([first.connect(), second.connect()]);
  return { store, first, second, ended };
}

describe('clients sharing a store', () => {
  it('stay signed in through refreshes that fall due in both at once', async () => {
    const alice = await registerUser(server.baseUrl, 'a');
    const { first, second, ended } = await twoTabs(alice);
    expect(second.session?.refreshToken).toBe(alice.refreshToken);

    // Both hold the same pair and refresh it at the same moment, three times over.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(ended).toEqual([]);
    expect(first.session!.refreshToken).not.toBe(alice.refreshToken);
    expect(second.session!.refreshToken).toBe(first.session!.refreshToken);
    await expect(first.chats()).resolves.toEqual([]);
    await expect(second.chats()).resolves.toEqual([]);
    expect([first.state, second.state]).toEqual(['ready', 'ready']);
  });

  it('take the pair another one rotated instead of presenting the used refresh token', async () => {
    const bob = await registerUser(server.baseUrl, 'b');
    const { store, first, second, ended } = await twoTabs(bob);

    await first.refresh();
    const rotated = first.session!.refreshToken;
    expect((await store.load()).session?.refreshToken).toBe(rotated);
    await second.refresh();

    expect(ended).toEqual([]);
    expect(second.session!.refreshToken).toBe(first.session!.refreshToken);
    await expect(second.chats()).resolves.toEqual([]);
    await expect(first.chats()).resolves.toEqual([]);
  });
});
