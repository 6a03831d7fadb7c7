import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { bubble, chatHeader, closeAll, connected, ensureWebBuilt, launchChromium, openChat, send, signUp, startChatWith, tickOf, type Person } from './support/browser.js';

let server: TestServer;
let browser: Browser;
let fay: Person;
let gus: Person;

beforeAll(async () => {
  ensureWebBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  [fay, gus] = await Promise.all([signUp(browser, server.baseUrl, 'Fay Fischer'), signUp(browser, server.baseUrl, 'Gus Grant')]);
  await startChatWith(fay, gus);
  await send(fay.page, 'are you around this afternoon?');
  await openChat(gus.page, 'Fay Fischer');
  await tickOf(fay.page, 'are you around this afternoon?', 'read');
}, 120_000);

afterAll(async () => {
  await closeAll(fay, gus);
  await browser?.close();
  await server?.close();
});

/** Whether the SDK's outbox in IndexedDB holds a message with this text. */
function outboxHolds(text: string): Promise<boolean> {
  return new Promise((resolve) => {
    const open = indexedDB.open('parley');
    open.onsuccess = () => {
      const all = open.result.transaction('outbox').objectStore('outbox').getAll();
      all.onsuccess = () => resolve((all.result as Array<{ content: string }>).some((e) => e.content === text));
    };
    open.onerror = () => resolve(false);
  });
}

const banner = (p: Person) => p.page.getByTestId('connection-banner').filter({ hasText: 'You’re offline' });
/**
 * Not connected, whatever the banner says. After a reload under Playwright's offline emulation,
 * Debian's Chromium 150 reports `navigator.onLine` true on the new page while the network stays
 * cut, so the app says "Connecting…" there instead of "You’re offline".
 */
const unlinked = (p: Person) => p.page.getByTestId('connection-banner');

describe('offline', () => {
  it('a reader who was offline gets what was sent meanwhile when the link returns', async () => {
    await gus.context.setOffline(true);
    await banner(gus).waitFor();
    for (const text of ['first while you were away', 'second while you were away', 'third while you were away']) await send(fay.page, text);
    await tickOf(fay.page, 'third while you were away', 'sent');
    await gus.page.waitForTimeout(1000);
    expect(await bubble(gus.page, 'first while you were away').count()).toBe(0);
    expect(await fay.page.locator('[data-tick="delivered"], [data-tick="read"]').filter({ has: fay.page.getByText('third while') }).count()).toBe(0);

    await gus.context.setOffline(false);
    await connected(gus.page);
    for (const text of ['first while you were away', 'second while you were away', 'third while you were away']) await bubble(gus.page, text).waitFor();
    await tickOf(fay.page, 'third while you were away', 'read');
  });

  it('a message written offline shows as sending, survives a reload with no network, and is delivered when the link returns', async () => {
    const { page, context } = fay;
    // The service worker has the app shell, so the page reloads with no network at all.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await context.setOffline(true);
    await banner(fay).waitFor();
    await send(page, 'written on the train');
    await tickOf(page, 'written on the train', 'sending');
    // send() returns before the SDK's IndexedDB write commits; a reload in that instant would lose it.
    await page.waitForFunction(outboxHolds, 'written on the train');

    await page.reload();
    // Everything below comes from IndexedDB: the session, the cached chat and messages, the outbox.
    await unlinked(fay).waitFor();
    await chatHeader(page, 'Gus Grant').waitFor();
    await bubble(page, 'third while you were away').waitFor();
    await tickOf(page, 'written on the train', 'sending');
    await page.getByRole('navigation', { name: 'Chat list' }).getByText('written on the train').waitFor();
    await gus.page.waitForTimeout(1000);
    expect(await bubble(gus.page, 'written on the train').count()).toBe(0);

    await context.setOffline(false);
    await connected(page);
    await bubble(gus.page, 'written on the train').waitFor();
    await tickOf(page, 'written on the train', 'read');
    expect(await bubble(gus.page, 'written on the train').count()).toBe(1);
    expect([...fay.errors, ...gus.errors]).toEqual([]);
  });
});
