import crypto from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, registerUser, type TestUser } from '../../../server/test/support/api.js';
import { startServer, type TestServer } from '../../../server/test/support/server.js';
import { TestSocket } from '../../../server/test/support/socket.js';
import { closeAll, connected, ensureWebBuilt, freshPagesAfterFailure, launchChromium, signIn, type Person } from './browser.js';

/** What the tests of a file share, there once their `beforeAll` has run. */
export interface SeededReader {
  server: TestServer;
  browser: Browser;
  reader: Person;
}

/** A chat the reader's list shows, by its title and its newest message. */
export interface SeededChat {
  title: string;
  last: string;
}

/**
 * Long chats read by someone far from their start. Before the file's tests: a server and
 * Chromium; `seed` fills the chats of the `reader` account and says which they are; the reader
 * signs in, and once that first sign-in has caught up on everything (the list shows each chat's
 * newest message) the page is reloaded. Then only the cached newest 200 of each chat are loaded,
 * so messages far back lie behind what the app holds. After the tests, all of it is closed.
 */
export function seededReader(seed: (server: TestServer, reader: TestUser) => Promise<SeededChat[]>): SeededReader {
  const shared = {} as SeededReader;
  beforeAll(async () => {
    ensureWebBuilt();
    [shared.server, shared.browser] = await Promise.all([startServer(), launchChromium()]);
    const account = await registerUser(shared.server.baseUrl, 'reader');
    const chats = await seed(shared.server, account);
    shared.reader = { ...(await signIn(shared.browser, shared.server.baseUrl, account.username)), displayName: 'Rita Reader' };
    const list = shared.reader.page.getByRole('navigation', { name: 'Chat list' });
    for (const chat of chats) {
      await list.getByRole('button', { name: new RegExp(chat.title) }).filter({ hasText: chat.last }).waitFor({ timeout: 30_000 });
    }
    await shared.reader.page.waitForTimeout(600); // the local cache writes 400 ms after the last change
    await shared.reader.page.reload();
    await connected(shared.reader.page);
  }, 180_000);

  afterAll(async () => {
    await closeAll(shared.reader);
    await shared.browser?.close();
    await shared.server?.close();
  });
  freshPagesAfterFailure(() => [shared.reader]);
  return shared;
}

/** Someone who writes to the reader, under the name the reader's list and headers show. */
export async function registerWriter(server: TestServer, prefix: string, displayName: string): Promise<TestUser> {
  const writer = await registerUser(server.baseUrl, prefix);
  await api(server.baseUrl, 'PATCH', '/users/me', { displayName }, writer.accessToken);
  return writer;
}

/** Messages 1…count, all sent over one WebSocket at once, so the server commits them in a few batches. */
export async function writeMessages(server: TestServer, writer: TestUser, chatId: string, count: number, text: (n: number) => string): Promise<void> {
  const socket = await TestSocket.connect(server.wsUrl, writer.accessToken);
  for (let n = 1; n <= count; n++) {
    socket.send({ type: 'send', clientMsgId: crypto.randomUUID(), chatId, message: { type: 'text', content: text(n) } });
  }
  await socket.waitForCount((f) => f.type === 'ack', count, 60_000);
  socket.close();
}

/** The id of message `seq` of the chat, as `writer` sees it. */
export async function messageIdAt(server: TestServer, writer: TestUser, chatId: string, seq: number): Promise<string> {
  const page = await api(server.baseUrl, 'GET', `/chats/${chatId}/messages?after=${seq - 1}&limit=1`, undefined, writer.accessToken);
  expect(page.body.messages[0].seq).toBe(seq);
  return page.body.messages[0].id;
}

/** `writer` answers message `seq` of the chat with `content`, over REST. */
export async function replyTo(server: TestServer, writer: TestUser, chatId: string, seq: number, content: string): Promise<void> {
  const replyTo = await messageIdAt(server, writer, chatId, seq);
  const sent = await api(server.baseUrl, 'POST', `/chats/${chatId}/messages`, { clientMsgId: crypto.randomUUID(), type: 'text', content, replyTo }, writer.accessToken);
  expect(sent.status).toBe(201);
}
