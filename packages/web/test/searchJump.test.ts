import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { api, openPrivateChat, registerUser, type TestUser } from '../../server/test/support/api.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { TestSocket } from '../../server/test/support/socket.js';
import { bubble, chatHeader, closeAll, connected, ensureWebBuilt, freshPagesAfterFailure, launchChromium, openChat, signIn, type Person } from './support/browser.js';

/** Walt's chat: 400 messages, hits at 10 (pelican) and 100 (heron). */
const WALT = { count: 400, text: (n: number) => `Message ${n}${n === 10 ? ' pelican' : n === 100 ? ' heron' : ''}` };
/** Olga's chat: 500 messages, a hit at 200 (walrus). */
const OLGA = { count: 500, text: (n: number) => `Note ${n}${n === 200 ? ' walrus' : ''}` };

let server: TestServer;
let browser: Browser;
let walt: TestUser;
let olga: TestUser;
let waltChat: string;
let reader: Person;

/** All sends over one WebSocket at once, so the server commits them in a few batches. */
async function seed(writer: TestUser, chatId: string, count: number, text: (n: number) => string): Promise<void> {
  const socket = await TestSocket.connect(server.wsUrl, writer.accessToken);
  for (let n = 1; n <= count; n++) {
    socket.send({ type: 'send', clientMsgId: crypto.randomUUID(), chatId, message: { type: 'text', content: text(n) } });
  }
  await socket.waitForCount((f) => f.type === 'ack', count, 60_000);
  socket.close();
}

const scroller = (page: Page) => page.locator('.message-scroller');

/** The seqs of the rows in the DOM, top to bottom. */
const renderedSeqs = (page: Page) => page.getByTestId('message').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq'))));

/** Rows on screen must be one run: a repeated seq is a duplicate, a skipped one a gap. */
function breaksIn(seqs: number[]): string[] {
  return seqs.flatMap((seq, i) => (i > 0 && seq !== seqs[i - 1]! + 1 ? [`${seqs[i - 1]} then ${seq}`] : []));
}

/** About how many rows the list holds in all: its scroll height over the height of the rows in the DOM. */
async function rowsHeld(page: Page): Promise<number> {
  const inDom = await page.getByTestId('message').evaluateAll((els) => ({ n: els.length, height: els.reduce((sum, el) => sum + el.getBoundingClientRect().height, 0) }));
  const total = await scroller(page).evaluate((el) => el.scrollHeight);
  return Math.round(total / (inDom.height / inDom.n));
}

async function inView(page: Page, target: Locator): Promise<boolean> {
  const [box, list] = await Promise.all([target.boundingBox(), scroller(page).boundingBox()]);
  return !!box && !!list && box.y >= list.y && box.y + box.height <= list.y + list.height;
}

async function search(page: Page, words: string): Promise<Locator> {
  await page.getByRole('searchbox', { name: 'Search chats' }).fill(words);
  const hit = page.getByRole('region', { name: 'Messages found' }).getByTestId('search-result').filter({ hasText: words });
  await hit.waitFor();
  return hit;
}

/**
 * Scrolls step by step (less than a screen) until `done`, recording every seq rendered on the
 * way and every break seen within one screenful.
 */
async function scrollUntil(page: Page, step: number, done: (seqs: number[]) => Promise<boolean> | boolean) {
  const seen = new Set<number>();
  const breaks: string[] = [];
  await expect.poll(async () => {
    const seqs = await renderedSeqs(page);
    breaks.push(...breaksIn(seqs));
    for (const seq of seqs) seen.add(seq);
    if (await done(seqs)) return true;
    await scroller(page).evaluate((el, by) => el.scrollBy({ top: el.clientHeight * by }), step);
    return false;
  }, { timeout: 45_000, interval: 120 }).toBe(true);
  return { seen: [...seen].sort((a, b) => a - b), breaks };
}

beforeAll(async () => {
  ensureWebBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  const readerAccount = await registerUser(server.baseUrl, 'reader');
  [walt, olga] = await Promise.all([registerUser(server.baseUrl, 'walt'), registerUser(server.baseUrl, 'olga')]);
  await api(server.baseUrl, 'PATCH', '/users/me', { displayName: 'Walt Writer' }, walt.accessToken);
  await api(server.baseUrl, 'PATCH', '/users/me', { displayName: 'Olga Owl' }, olga.accessToken);
  waltChat = await openPrivateChat(server.baseUrl, walt, readerAccount);
  await seed(walt, waltChat, WALT.count, WALT.text);
  await seed(olga, await openPrivateChat(server.baseUrl, olga, readerAccount), OLGA.count, OLGA.text);
  reader = { ...(await signIn(browser, server.baseUrl, readerAccount.username)), displayName: 'Rita Reader' };
  // The first sign-in catches up on everything; after a reload only the cached newest 200 of
  // each chat are loaded, so the hits lie far behind what the app holds.
  const list = reader.page.getByRole('navigation', { name: 'Chat list' });
  await list.getByRole('button', { name: /Walt Writer/ }).filter({ hasText: WALT.text(WALT.count) }).waitFor({ timeout: 30_000 });
  await list.getByRole('button', { name: /Olga Owl/ }).filter({ hasText: OLGA.text(OLGA.count) }).waitFor({ timeout: 30_000 });
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

describe('choosing a message search hit', () => {
  it('opens its chat scrolled to it, highlighted and announced, with only a window around it loaded', async () => {
    const { page } = reader;
    await (await search(page, 'pelican')).click();
    await chatHeader(page, 'Walt Writer').waitFor();
    const target = bubble(page, 'Message 10 pelican');
    await target.and(page.locator('[data-highlighted]')).waitFor();
    expect(await inView(page, target)).toBe(true);
    const seqs = await renderedSeqs(page);
    expect(breaksIn(seqs)).toEqual([]);
    expect(seqs[0]).toBe(1);
    expect(Math.max(...seqs)).toBeLessThan(100);
    expect(await rowsHeld(page)).toBeLessThan(150); // a window around the hit, not everything up to the cached 201–400
    await page.getByText('This is the beginning of the chat.').waitFor();
    await page.getByRole('button', { name: 'Jump to newest messages' }).waitFor();
    expect(await page.locator('.message-list [aria-live]').textContent()).toMatch(/^Showing message from Walt Writer, .+: Message 10 pelican$/);
    await page.locator('[data-highlighted]').waitFor({ state: 'detached', timeout: 5_000 }); // only for a moment
  });

  it('scrolling down loads newer pages until the window joins the live end; a new message then shows once, with no gap or duplicate on the way', async () => {
    const { page } = reader;
    const { seen, breaks } = await scrollUntil(page, 0.7, (seqs) => seqs.at(-1) === WALT.count);
    expect(breaks).toEqual([]);
    expect(seen).toEqual(Array.from({ length: WALT.count }, (_, i) => i + 1));
    await scroller(page).evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.getByRole('button', { name: 'Jump to newest messages' }).waitFor({ state: 'detached' });

    const sent = await api(server.baseUrl, 'POST', `/chats/${waltChat}/messages`, { clientMsgId: crypto.randomUUID(), type: 'text', content: 'Message 401 live' }, walt.accessToken);
    expect(sent.status).toBe(201);
    await bubble(page, 'Message 401 live').waitFor();
    await expect.poll(() => inView(page, bubble(page, 'Message 401 live'))).toBe(true); // followed at the live end
    expect(await bubble(page, 'Message 401 live').count()).toBe(1);
    const seqs = await renderedSeqs(page);
    expect(breaksIn(seqs)).toEqual([]);
    expect(seqs.at(-1)).toBe(WALT.count + 1);
  });

  it('a hit in another chat than the open one opens that chat at the hit; scrolling up loads older pages to the beginning', async () => {
    const { page } = reader;
    await (await search(page, 'walrus')).click();
    await chatHeader(page, 'Olga Owl').waitFor();
    const target = bubble(page, 'Note 200 walrus');
    await target.and(page.locator('[data-highlighted]')).waitFor();
    expect(await inView(page, target)).toBe(true);
    expect(Math.max(...(await renderedSeqs(page)))).toBeLessThan(300); // the cached 301–500 are not what shows
    expect(await rowsHeld(page)).toBeLessThan(150);

    const { seen, breaks } = await scrollUntil(page, -0.7, async (seqs) => seqs[0] === 1 && (await page.getByText('This is the beginning of the chat.').isVisible()));
    expect(breaks).toEqual([]);
    expect(seen).toEqual(Array.from({ length: seen.at(-1)! }, (_, i) => i + 1));
    expect(seen.at(-1)).toBeGreaterThanOrEqual(200);

    await page.getByRole('button', { name: 'Jump to newest messages' }).click();
    await bubble(page, OLGA.text(OLGA.count)).waitFor();
    await page.getByRole('button', { name: 'Jump to newest messages' }).waitFor({ state: 'detached' });
    expect(breaksIn(await renderedSeqs(page))).toEqual([]);
  });

  it('a user at the bottom of the window stays where they are when it joins the live end, and scrolls on from there', async () => {
    const { page } = reader;
    // Newer pages answer late, so what the list shows can be read while one is on its way.
    await page.route(/\/messages\?.*after=/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });
    try {
      await (await search(page, 'walrus')).click();
      await bubble(page, 'Note 200 walrus').and(page.locator('[data-highlighted]')).waitFor();
      const later = page.getByText('Loading later messages…');
      let joined = false;
      for (let step = 0; step < 10 && !joined; step++) {
        await scroller(page).evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
        await later.waitFor();
        const bottom = (await renderedSeqs(page)).at(-1)!;
        await later.waitFor({ state: 'detached' });
        await page.waitForTimeout(200);
        const after = await renderedSeqs(page);
        expect(breaksIn(after)).toEqual([]);
        expect(after.at(-1)! - bottom).toBeLessThan(30); // the page came in below, not a jump to the newest
        joined = (await rowsHeld(page)) > 250; // the window (at most 170–350) and the live run (301–500) as one
      }
      expect(joined).toBe(true);
      const { breaks } = await scrollUntil(page, 0.7, (seqs) => seqs.at(-1) === OLGA.count);
      expect(breaks).toEqual([]);
    } finally {
      await page.unroute(/\/messages\?.*after=/);
    }
  });

  it('works from the keyboard: Tab to the hit, Enter opens it, the list takes the focus and scrolls with Page Up', async () => {
    const { page } = reader;
    await page.goto('/');
    await connected(page);
    await openChat(page, 'Olga Owl');
    const hit = await search(page, 'heron');
    await page.getByRole('searchbox', { name: 'Search chats' }).focus();
    await page.keyboard.press('Tab'); // no chat title matches "heron": the first stop is the hit
    expect(await hit.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await chatHeader(page, 'Walt Writer').waitFor();
    const target = bubble(page, 'Message 100 heron');
    await target.and(page.locator('[data-highlighted]')).waitFor();
    expect(await inView(page, target)).toBe(true);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Messages');
    expect(await page.locator('.message-list [aria-live]').textContent()).toContain('Message 100 heron');

    await expect.poll(async () => {
      await page.keyboard.press('PageUp');
      return (await renderedSeqs(page))[0];
    }, { timeout: 20_000, interval: 150 }).toBeLessThan(60); // the window started at 70: an older page came in
    expect(breaksIn(await renderedSeqs(page))).toEqual([]);
    expect(reader.errors).toEqual([]);
  });
});
