import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page, Request } from 'playwright-core';
import { api, openPrivateChat, registerUser, type TestUser } from '../../server/test/support/api.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { TestSocket } from '../../server/test/support/socket.js';
import { bubble, chatHeader, closeAll, connected, ensureWebBuilt, freshPagesAfterFailure, launchChromium, openChat, signIn, type Person } from './support/browser.js';

/**
 * A reply's quote takes the search hit's path (searchJump.test.ts): Quinn's chat has 320
 * messages, then a reply to message 7 (deleted since) and, last, a reply to message 5. After a
 * reload only the cached newest 200 are loaded, so message 5 lies far behind what the app holds.
 */
const COUNT = 320;
const text = (n: number) => `Line ${n}`;

let server: TestServer;
let browser: Browser;
let quinn: TestUser;
let reader: Person;
let chatId: string;
let line5Id: string;

async function seed(writer: TestUser, chatId: string): Promise<void> {
  const socket = await TestSocket.connect(server.wsUrl, writer.accessToken);
  for (let n = 1; n <= COUNT; n++) {
    socket.send({ type: 'send', clientMsgId: crypto.randomUUID(), chatId, message: { type: 'text', content: text(n) } });
  }
  await socket.waitForCount((f) => f.type === 'ack', COUNT, 60_000);
  socket.close();
}

async function idOf(chatId: string, seq: number): Promise<string> {
  const page = await api(server.baseUrl, 'GET', `/chats/${chatId}/messages?after=${seq - 1}&limit=1`, undefined, quinn.accessToken);
  expect(page.body.messages[0].seq).toBe(seq);
  return page.body.messages[0].id;
}

async function reply(chatId: string, to: number, content: string): Promise<void> {
  const sent = await api(server.baseUrl, 'POST', `/chats/${chatId}/messages`, { clientMsgId: crypto.randomUUID(), type: 'text', content, replyTo: await idOf(chatId, to) }, quinn.accessToken);
  expect(sent.status).toBe(201);
}

const scroller = (page: Page) => page.locator('.message-scroller');
const renderedSeqs = (page: Page) => page.getByTestId('message').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq'))));
const breaksIn = (seqs: number[]) => seqs.flatMap((seq, i) => (i > 0 && seq !== seqs[i - 1]! + 1 ? [`${seqs[i - 1]} then ${seq}`] : []));

async function rowsHeld(page: Page): Promise<number> {
  const inDom = await page.getByTestId('message').evaluateAll((els) => ({ n: els.length, height: els.reduce((sum, el) => sum + el.getBoundingClientRect().height, 0) }));
  const total = await scroller(page).evaluate((el) => el.scrollHeight);
  return Math.round(total / (inDom.height / inDom.n));
}

async function inView(page: Page, target: Locator): Promise<boolean> {
  const [box, list] = await Promise.all([target.boundingBox(), scroller(page).boundingBox()]);
  return !!box && !!list && box.y >= list.y && box.y + box.height <= list.y + list.height;
}

const quoteIn = (page: Page, replyText: string) => bubble(page, replyText).locator('.quote');

/** Message 5 shown: in view, ringed, announced, with a window around it (not all of 5–321) and no gap. */
async function showsLine5(page: Page): Promise<void> {
  const target = bubble(page, text(5));
  await target.and(page.locator('[data-highlighted]')).waitFor();
  expect(await inView(page, target)).toBe(true);
  const seqs = await renderedSeqs(page);
  expect(breaksIn(seqs)).toEqual([]);
  expect(seqs).toContain(5);
  expect(Math.max(...seqs)).toBeLessThan(100);
  expect(await rowsHeld(page)).toBeLessThan(150);
  expect(await page.locator('.message-list [aria-live]').textContent()).toMatch(/^Showing message from Quinn Quoter, .+: Line 5$/);
}

beforeAll(async () => {
  ensureWebBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  const readerAccount = await registerUser(server.baseUrl, 'reader');
  quinn = await registerUser(server.baseUrl, 'quinn');
  await api(server.baseUrl, 'PATCH', '/users/me', { displayName: 'Quinn Quoter' }, quinn.accessToken);
  chatId = await openPrivateChat(server.baseUrl, quinn, readerAccount);
  await seed(quinn, chatId);
  await reply(chatId, 7, 'Back to seven');
  const gone = await api(server.baseUrl, 'DELETE', `/chats/${chatId}/messages/${await idOf(chatId, 7)}?for=everyone`, undefined, quinn.accessToken);
  expect(gone.status).toBe(200);
  await reply(chatId, 5, 'Back to five');
  line5Id = await idOf(chatId, 5);
  reader = { ...(await signIn(browser, server.baseUrl, readerAccount.username)), displayName: 'Rita Reader' };
  const list = reader.page.getByRole('navigation', { name: 'Chat list' });
  await list.getByRole('button', { name: /Quinn Quoter/ }).filter({ hasText: 'Back to five' }).waitFor({ timeout: 30_000 });
  await reader.page.waitForTimeout(600); // the local cache writes 400 ms after the last change
  await reader.page.reload();
  await connected(reader.page);
}, 180_000);

afterAll(async () => {
  await closeAll(reader);
  await browser?.close();
  await server?.close();
});
freshPagesAfterFailure(() => [reader]);

describe("choosing a reply's quote", () => {
  it('of a message far back and not loaded: loads a window around it, scrolls to it and highlights it, with no gap', async () => {
    const { page } = reader;
    await openChat(page, 'Quinn Quoter');
    await chatHeader(page, 'Quinn Quoter').waitFor();
    await bubble(page, 'Back to five').waitFor();
    expect(Math.min(...(await renderedSeqs(page)))).toBeGreaterThan(100); // only the newest are loaded
    expect(await bubble(page, text(5)).count()).toBe(0);
    const quote = quoteIn(page, 'Back to five');
    expect(await quote.getAttribute('aria-label')).toBe('Reply to Quinn Quoter: Line 5'); // from the quote the reply carries
    expect(await quote.isEnabled()).toBe(true);
    const lookups: string[] = [];
    const record = (request: Request) => {
      if (request.url().includes('/messages/')) lookups.push(new URL(request.url()).pathname);
    };
    page.on('request', record);
    await quote.click();
    await showsLine5(page);
    page.off('request', record);
    // Its seq comes from the lookup of one message by id, a single request.
    expect(lookups).toEqual([`/api/v1/chats/${chatId}/messages/${line5Id}`]);
    await page.getByRole('button', { name: 'Jump to newest messages' }).waitFor(); // a detached window is shown
    expect(reader.errors).toEqual([]);
  });

  it('works from the keyboard: Enter on the focused quote goes there too', async () => {
    const { page } = reader;
    await page.getByRole('button', { name: 'Jump to newest messages' }).click();
    await bubble(page, 'Back to five').waitFor();
    await page.getByRole('button', { name: 'Jump to newest messages' }).waitFor({ state: 'detached' });
    expect(await bubble(page, text(5)).count()).toBe(0);
    await quoteIn(page, 'Back to five').focus();
    await page.keyboard.press('Enter');
    await showsLine5(page);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Messages');
  });

  it('of a deleted message: says so and is not a button to press', async () => {
    const { page } = reader;
    await page.getByRole('button', { name: 'Jump to newest messages' }).click();
    const quote = quoteIn(page, 'Back to seven');
    await quote.waitFor();
    expect(await quote.getAttribute('aria-label')).toBe('Reply to Quinn Quoter: Message deleted');
    expect(await quote.isDisabled()).toBe(true);
    expect(reader.errors).toEqual([]);
  });
});
