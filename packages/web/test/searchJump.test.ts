import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { api, openPrivateChat, type TestUser } from '../../server/test/support/api.js';
import { bubble, chatHeader, connected, openChat } from './support/browser.js';
import { breaksIn, inView, renderedSeqs, rowsHeld, scroller } from './support/messageList.js';
import { registerWriter, seededReader, writeMessages } from './support/seededReader.js';

/** Walt's chat: 400 messages, hits at 10 (pelican) and 100 (heron). */
const WALT = { count: 400, text: (n: number) => `Message ${n}${n === 10 ? ' pelican' : n === 100 ? ' heron' : ''}` };
/** Olga's chat: 500 messages, a hit at 200 (walrus). */
const OLGA = { count: 500, text: (n: number) => `Note ${n}${n === 200 ? ' walrus' : ''}` };

let walt: TestUser;
let waltChat: string;

// After the reload only the cached newest 200 of each chat are loaded: the hits lie far behind what the app holds.
const seeded = seededReader(async (server, reader) => {
  let olga: TestUser;
  [walt, olga] = await Promise.all([registerWriter(server, 'walt', 'Walt Writer'), registerWriter(server, 'olga', 'Olga Owl')]);
  waltChat = await openPrivateChat(server.baseUrl, walt, reader);
  await writeMessages(server, walt, waltChat, WALT.count, WALT.text);
  await writeMessages(server, olga, await openPrivateChat(server.baseUrl, olga, reader), OLGA.count, OLGA.text);
  return [{ title: 'Walt Writer', last: WALT.text(WALT.count) }, { title: 'Olga Owl', last: OLGA.text(OLGA.count) }];
});

async function search(page: Page, words: string): Promise<Locator> {
  await page.getByRole('searchbox', { name: 'Search chats' }).fill(words);
  const hit = page.getByRole('region', { name: 'Messages found' }).getByTestId('search-result').filter({ hasText: words });
  await hit.waitFor();
  return hit;
}

/**
 * Scrolls by `step` screens, then waits (a second at most) until the rows in the DOM cover what
 * the list shows. On a busy machine the list can render a step late; read before it has, the next
 * step went on from stale rows, and the rows between the two went unseen though the list had
 * rendered them in turn.
 */
function scrollAndRender(page: Page, step: number): Promise<void> {
  return scroller(page).evaluate(async (el, by) => {
    el.scrollBy({ top: el.clientHeight * by });
    const covered = () => {
      const view = el.getBoundingClientRect();
      const rows = [...el.querySelectorAll('[data-testid="message"]')].map((row) => row.getBoundingClientRect());
      return rows.length > 0 && rows[0]!.top <= view.top + 1 && rows.at(-1)!.bottom >= Math.min(view.bottom, view.top + el.scrollHeight - el.scrollTop) - 80;
    };
    for (let frame = 0; frame < 60 && !covered(); frame++) await new Promise((resolve) => requestAnimationFrame(resolve));
  }, step);
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
    await scrollAndRender(page, step);
    return false;
  }, { timeout: 45_000, interval: 120 }).toBe(true);
  return { seen: [...seen].sort((a, b) => a - b), breaks };
}

describe('choosing a message search hit', () => {
  it('opens its chat scrolled to it, highlighted and announced, with only a window around it loaded', async () => {
    const { page } = seeded.reader;
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
    const { page } = seeded.reader;
    const { seen, breaks } = await scrollUntil(page, 0.7, (seqs) => seqs.at(-1) === WALT.count);
    expect(breaks).toEqual([]);
    expect(seen).toEqual(Array.from({ length: WALT.count }, (_, i) => i + 1));
    await scroller(page).evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.getByRole('button', { name: 'Jump to newest messages' }).waitFor({ state: 'detached' });

    const sent = await api(seeded.server.baseUrl, 'POST', `/chats/${waltChat}/messages`, { clientMsgId: crypto.randomUUID(), type: 'text', content: 'Message 401 live' }, walt.accessToken);
    expect(sent.status).toBe(201);
    await bubble(page, 'Message 401 live').waitFor();
    await expect.poll(() => inView(page, bubble(page, 'Message 401 live'))).toBe(true); // followed at the live end
    expect(await bubble(page, 'Message 401 live').count()).toBe(1);
    const seqs = await renderedSeqs(page);
    expect(breaksIn(seqs)).toEqual([]);
    expect(seqs.at(-1)).toBe(WALT.count + 1);
  });

  it('a hit in another chat than the open one opens that chat at the hit; scrolling up loads older pages to the beginning', async () => {
    const { page } = seeded.reader;
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
    const { page } = seeded.reader;
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
    const { page } = seeded.reader;
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
    expect(seeded.reader.errors).toEqual([]);
  });
});
