import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { bubble, chatHeader, closeAll, connected, ensureWebBuilt, launchChromium, openChat, send, signUp, startChatWith, type Person } from './support/browser.js';

// Access tokens of 3 s (each tab refreshes every 2.4 s) and no grace for a refresh token
// presented twice: one reuse would sign both tabs out.
let server: TestServer;
let browser: Browser;
let fay: Person;
let gus: Person;

beforeAll(async () => {
  ensureWebBuilt();
  [server, browser] = await Promise.all([startServer({ ACCESS_TOKEN_TTL_SEC: '3', REFRESH_REUSE_GRACE_MS: '0' }), launchChromium()]);
  [fay, gus] = await Promise.all([signUp(browser, server.baseUrl, 'Fay Fischer'), signUp(browser, server.baseUrl, 'Gus Grant')]);
  await startChatWith(fay, gus);
  await send(fay.page, 'opening a second tab');
}, 120_000);

afterAll(async () => {
  await closeAll(fay, gus);
  await browser?.close();
  await server?.close();
});

const signedIn = (page: Page) => page.getByRole('heading', { name: 'Chats' }).isVisible();

it('two tabs of one session stay signed in while both refresh it', async () => {
  const second = await fay.context.newPage();
  await second.goto('/');
  await connected(second);
  await openChat(second, 'Gus Grant');
  await bubble(second, 'opening a second tab').waitFor();

  // Several rounds of refreshes fall due in both tabs at the same moment.
  await second.waitForTimeout(8000);
  expect([await signedIn(fay.page), await signedIn(second)]).toEqual([true, true]);
  await connected(fay.page);
  await connected(second);

  await openChat(gus.page, 'Fay Fischer');
  await send(gus.page, 'both of you there?');
  await bubble(fay.page, 'both of you there?').waitFor();
  await bubble(second, 'both of you there?').waitFor();
  await send(second, 'yes, from the second tab');
  await bubble(gus.page, 'yes, from the second tab').waitFor();
  await chatHeader(fay.page, 'Gus Grant').waitFor();
  await bubble(fay.page, 'yes, from the second tab').waitFor();
  expect(fay.errors).toEqual([]);
});
