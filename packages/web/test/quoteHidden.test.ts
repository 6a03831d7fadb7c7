import { describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { api, openPrivateChat, type TestUser } from '../../server/test/support/api.js';
import { bubble, connected, openChat } from './support/browser.js';
import { renderedSeqs } from './support/messageList.js';
import { messageIdAt, registerWriter, replyTo, seededReader, writeMessages } from './support/seededReader.js';

/**
 * A reply's quote of a message the reader deleted for themselves ("delete for me"): the server
 * shows that message to them as `{ content: "", hidden: true }` and the app draws no row for it.
 * A quote read from the server says so (`hidden: true`); one that arrives live in `message.new`,
 * the same frame for every member, does not. Hana's chat has 320 messages; the reader hid 5 and 9
 * (far back: after the reload only the cached newest 200 are loaded) and 315 (loaded). Hana
 * replied to 315 and to 9 before the reader signed in; the tests have her reply live.
 */
const COUNT = 320;
const text = (n: number) => `Line ${n}`;
const NOTICE = 'That message was deleted for you';

let hana: TestUser;
let chatId: string;
let line5Id: string;

const seeded = seededReader(async (server, reader) => {
  hana = await registerWriter(server, 'hana', 'Hana Hider');
  chatId = await openPrivateChat(server.baseUrl, hana, reader);
  await writeMessages(server, hana, chatId, COUNT, text);
  for (const seq of [5, 9, 315]) {
    const hidden = await api(server.baseUrl, 'DELETE', `/chats/${chatId}/messages/${await messageIdAt(server, hana, chatId, seq)}?for=me`, undefined, reader.accessToken);
    expect(hidden.status).toBe(200);
  }
  await replyTo(server, hana, chatId, 315, 'Back to 315');
  await replyTo(server, hana, chatId, 9, 'Back to nine');
  line5Id = await messageIdAt(server, hana, chatId, 5);
  return [{ title: 'Hana Hider', last: 'Back to nine' }];
});

const quoteIn = (page: Page, replyText: string) => bubble(page, replyText).locator('.quote');
const notices = (page: Page) => page.getByRole('status').locator('.toast', { hasText: NOTICE });

/** Where the list was before: the newest messages, no window loaded far back, nothing highlighted. */
async function stayedAtNewest(page: Page): Promise<void> {
  expect(Math.min(...(await renderedSeqs(page)))).toBeGreaterThan(100);
  expect(await page.getByRole('button', { name: 'Jump to newest messages' }).count()).toBe(0);
  expect(await page.locator('[data-highlighted]').count()).toBe(0);
}

describe('choosing the quote of a message deleted for me', () => {
  it('far back and not loaded, in a reply that came live: says it was deleted for you, stays where it was, and the quote then shows it deleted', async () => {
    const { page } = seeded.reader;
    await openChat(page, 'Hana Hider');
    await bubble(page, 'Back to nine').waitFor();
    await replyTo(seeded.server, hana, chatId, 5, 'Back to five');
    await bubble(page, 'Back to five').waitFor();
    const quote = quoteIn(page, 'Back to five');
    // The quote a live reply carries knows nothing of the hiding: until it is chosen it reads as the message did.
    expect(await quote.getAttribute('aria-label')).toBe('Reply to Hana Hider: Line 5');
    const requests: string[] = [];
    const record = (request: Request) => {
      if (request.url().includes(`/chats/${chatId}/messages`)) requests.push(new URL(request.url()).pathname);
    };
    page.on('request', record);
    await quote.click();
    await notices(page).waitFor();
    page.off('request', record);
    // The lookup by id tells: no history is loaded around a message that would not be drawn.
    expect(requests).toEqual([`/api/v1/chats/${chatId}/messages/${line5Id}`]);
    await expect.poll(() => quote.getAttribute('aria-label')).toBe('Reply to Hana Hider: Message deleted');
    expect(await quote.isDisabled()).toBe(true);
    await stayedAtNewest(page);
    expect(seeded.reader.errors).toEqual([]);
  });

  it('from the keyboard: Enter says so too, and the focus stays in the message list', async () => {
    const { page } = seeded.reader;
    await openChat(page, 'Hana Hider');
    await notices(page).waitFor({ state: 'detached' }); // the first test's notice has gone
    await replyTo(seeded.server, hana, chatId, 9, 'Nine again');
    const quote = quoteIn(page, 'Nine again');
    await quote.waitFor();
    expect(await quote.getAttribute('aria-label')).toBe('Reply to Hana Hider: Line 9');
    // A chat just opened gives the composer the focus once it has drawn: focus the quote after that.
    await expect.poll(async () => (await quote.focus(), quote.evaluate((el) => el === document.activeElement))).toBe(true);
    await page.keyboard.press('Enter');
    await notices(page).waitFor();
    await expect.poll(() => quote.getAttribute('aria-label')).toBe('Reply to Hana Hider: Message deleted');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Messages');
    await stayedAtNewest(page);
    expect(seeded.reader.errors).toEqual([]);
  });

  it('far back, in a reply read from the server: shows it deleted from the start, after a reload too', async () => {
    const { page } = seeded.reader;
    for (const reloaded of [false, true]) {
      if (reloaded) {
        await page.reload();
        await connected(page);
      }
      await openChat(page, 'Hana Hider');
      const quote = quoteIn(page, 'Back to nine');
      await quote.scrollIntoViewIfNeeded();
      expect(await quote.getAttribute('aria-label')).toBe('Reply to Hana Hider: Message deleted');
      expect(await quote.isDisabled()).toBe(true);
    }
    expect(seeded.reader.errors).toEqual([]);
  });

  it('loaded: shows it deleted from the start and is not a button to press', async () => {
    const { page } = seeded.reader;
    await openChat(page, 'Hana Hider');
    const quote = quoteIn(page, 'Back to 315');
    await quote.scrollIntoViewIfNeeded();
    expect(await quote.getAttribute('aria-label')).toBe('Reply to Hana Hider: Message deleted');
    expect(await quote.isDisabled()).toBe(true);
    expect(await bubble(page, text(315)).count()).toBe(0); // hidden: no row
    expect(seeded.reader.errors).toEqual([]);
  });
});
