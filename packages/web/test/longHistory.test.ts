import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, openPrivateChat, registerUser, type TestUser } from '../../server/test/support/api.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { TestSocket } from '../../server/test/support/socket.js';
import { bubble, closeAll, ensureWebBuilt, launchChromium, openChat, signIn, type Person } from './support/browser.js';

const COUNT = 10_000;
/** Virtuoso renders what is on screen plus a margin; anything near COUNT means it stopped virtualizing. */
const MAX_ROWS = 80;

let server: TestServer;
let browser: Browser;
let writer: TestUser;
let reader: Person;

/** Seeds the chat over one WebSocket: all sends at once, so the server commits them in a few batches. */
async function seed(chatId: string): Promise<void> {
  const socket = await TestSocket.connect(server.wsUrl, writer.accessToken);
  for (let n = 1; n <= COUNT; n++) {
    socket.send({ type: 'send', clientMsgId: crypto.randomUUID(), chatId, message: { type: 'text', content: `Message ${n}` } });
  }
  await socket.waitForCount((f) => f.type === 'ack', COUNT, 60_000);
  socket.close();
}

const rowsInDom = (page: Page) => page.getByTestId('message').count();

beforeAll(async () => {
  ensureWebBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  writer = await registerUser(server.baseUrl, 'writer');
  const readerAccount = await registerUser(server.baseUrl, 'reader');
  await api(server.baseUrl, 'PATCH', '/users/me', { displayName: 'Rita Reader' }, readerAccount.accessToken);
  await api(server.baseUrl, 'PATCH', '/users/me', { displayName: 'Walt Writer' }, writer.accessToken);
  await seed(await openPrivateChat(server.baseUrl, writer, readerAccount));
  reader = { ...(await signIn(browser, server.baseUrl, readerAccount.username)), displayName: 'Rita Reader' };
}, 120_000);

afterAll(async () => {
  await closeAll(reader);
  await browser?.close();
  await server?.close();
});

describe(`a chat with ${COUNT.toLocaleString('en')} messages`, () => {
  it('opens at the newest message with only a screenful of rows in the DOM', async () => {
    const item = reader.page.getByRole('navigation', { name: 'Chat list' }).getByRole('button', { name: /Walt Writer/ });
    await item.filter({ hasText: `Message ${COUNT}` }).waitFor({ timeout: 30_000 });
    expect(await item.getAttribute('aria-label')).toContain(`${COUNT} unread`);
    await openChat(reader.page, 'Walt Writer');
    await bubble(reader.page, `Message ${COUNT}`).waitFor();
    const rows = await rowsInDom(reader.page);
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(MAX_ROWS);
  });

  it('after a reload, loads older pages while scrolling up, and never holds more than a screenful of rows', async () => {
    const { page } = reader;
    await page.reload();
    await bubble(page, `Message ${COUNT}`).waitFor();
    // The cache keeps the newest 200; older ones come from the server, a page per scroll to the top.
    const firstSeq = async () => Number(await page.getByTestId('message').first().getAttribute('data-seq'));
    expect(await firstSeq()).toBeGreaterThan(COUNT - 350);
    let most = 0;
    await expect.poll(async () => {
      most = Math.max(most, await rowsInDom(page));
      await page.locator('.message-scroller').evaluate((el) => el.scrollTo({ top: 0 }));
      return firstSeq();
    }, { timeout: 30_000, interval: 150 }).toBeLessThanOrEqual(COUNT - 350);
    // Seq and text read together: the list may still be moving rows in and out.
    const first = await page.getByTestId('message').first().evaluate((el) => ({ seq: Number(el.getAttribute('data-seq')), text: el.textContent ?? '' }));
    expect(first.text).toContain(`Message ${first.seq}`); // (the time follows the text directly)
    expect(most).toBeLessThan(MAX_ROWS);
    expect(await rowsInDom(page)).toBeLessThan(MAX_ROWS);
    expect(await bubble(page, `Message ${COUNT}`).count()).toBe(0); // the newest ones left the DOM
  });

  it('"jump to newest" goes back to the newest message', async () => {
    const { page } = reader;
    await page.getByRole('button', { name: 'Jump to newest messages' }).click();
    await bubble(page, `Message ${COUNT}`).waitFor();
    await page.getByRole('button', { name: 'Jump to newest messages' }).waitFor({ state: 'detached' });
    expect(await rowsInDom(page)).toBeLessThan(MAX_ROWS);
  });
});
