import { describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { api, openPrivateChat, type TestUser } from '../../server/test/support/api.js';
import { bubble, chatHeader, openChat } from './support/browser.js';
import { breaksIn, inView, renderedSeqs, rowsHeld } from './support/messageList.js';
import { messageIdAt, registerWriter, replyTo, seededReader, writeMessages } from './support/seededReader.js';

/**
 * A reply's quote takes the search hit's path (searchJump.test.ts): Quinn's chat has 320
 * messages, then a reply to message 7 (deleted since) and, last, a reply to message 5. After a
 * reload only the cached newest 200 are loaded, so message 5 lies far behind what the app holds.
 */
const COUNT = 320;
const text = (n: number) => `Line ${n}`;

let quinn: TestUser;
let chatId: string;
let line5Id: string;

const seeded = seededReader(async (server, reader) => {
  quinn = await registerWriter(server, 'quinn', 'Quinn Quoter');
  chatId = await openPrivateChat(server.baseUrl, quinn, reader);
  await writeMessages(server, quinn, chatId, COUNT, text);
  await replyTo(server, quinn, chatId, 7, 'Back to seven');
  const gone = await api(server.baseUrl, 'DELETE', `/chats/${chatId}/messages/${await messageIdAt(server, quinn, chatId, 7)}?for=everyone`, undefined, quinn.accessToken);
  expect(gone.status).toBe(200);
  await replyTo(server, quinn, chatId, 5, 'Back to five');
  line5Id = await messageIdAt(server, quinn, chatId, 5);
  return [{ title: 'Quinn Quoter', last: 'Back to five' }];
});

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

describe("choosing a reply's quote", () => {
  it('of a message far back and not loaded: loads a window around it, scrolls to it and highlights it, with no gap', async () => {
    const { page } = seeded.reader;
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
    expect(seeded.reader.errors).toEqual([]);
  });

  it('works from the keyboard: Enter on the focused quote goes there too', async () => {
    const { page } = seeded.reader;
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
    const { page } = seeded.reader;
    await page.getByRole('button', { name: 'Jump to newest messages' }).click();
    const quote = quoteIn(page, 'Back to seven');
    await quote.waitFor();
    expect(await quote.getAttribute('aria-label')).toBe('Reply to Quinn Quoter: Message deleted');
    expect(await quote.isDisabled()).toBe(true);
    expect(seeded.reader.errors).toEqual([]);
  });
});
