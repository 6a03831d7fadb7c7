import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyClient, type Presence } from '@parley/client';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { openPrivateChat, registerUser, type TestUser } from '../../server/test/support/api.js';
import { PresenceBook } from '../src/state/PresenceBook.js';

let server: TestServer;
const clients: ParleyClient[] = [];
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

function clientFor(user: TestUser): ParleyClient {
  const client = new ParleyClient({ baseUrl: server.baseUrl });
  client.session = { user: { id: user.id, username: user.username, displayName: user.username }, accessToken: user.accessToken, refreshToken: user.refreshToken };
  clients.push(client);
  return client;
}

/** A book whose every change is recorded, for `me` looking at a peer who is not connected (offline on the server). */
async function bookOfPeer(): Promise<{ book: PresenceBook; seen: Array<Record<string, Presence>>; peer: string }> {
  const [me, peer] = await Promise.all([registerUser(server.baseUrl, 'me'), registerUser(server.baseUrl, 'peer')]);
  await openPrivateChat(server.baseUrl, me, peer);
  const seen: Array<Record<string, Presence>> = [];
  return { book: new PresenceBook(clientFor(me), me.id, (p) => seen.push(p)), seen, peer: peer.id };
}

describe('presence book', () => {
  it('takes the server’s answer for a member it heard nothing of', async () => {
    const { book, seen, peer } = await bookOfPeer();
    book.refresh([peer]);
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]![peer]?.status).toBe('offline');
  });

  it('keeps an event heard while the fetch was on its way over the fetch’s older answer', async () => {
    const { book, seen, peer } = await bookOfPeer();
    book.refresh([peer]);
    // The server answers "offline", as read when asked; this event is newer than that answer.
    book.update({ userId: peer, status: 'online' });
    await expect.poll(() => seen.length).toBe(2);
    expect(seen[1]![peer]?.status).toBe('online');
  });
});
