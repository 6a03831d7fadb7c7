import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Worker } from 'playwright-core';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { closeAll, connected, ensureWebBuilt, freshPagesAfterFailure, launchChromium, openChat, send, signIn, signUp, startChatWith, tickOf, type Person } from './support/browser.js';

// Parley open but not looked at: the tab title counts unread chats, and new messages get the
// notifications a push would give (the server pushes only to users with no device connected).
// Headless Chromium calls every page focused and visible, so a test makes a page unattended the
// way the app asks: `document.hasFocus()` (and `visibilityState` for the title).

let server: TestServer;
let browser: Browser;
let kim: Person;
let kimPhone: Omit<Person, 'displayName'>; // Kim on a second device
let lee: Person;
let max: Person;
const chats = { lee: '', group: '' };

const POLL = { timeout: 15_000 };
const openChatId = (page: Page) => page.evaluate(() => decodeURIComponent(window.location.hash.replace('#/chat/', '')));

beforeAll(async () => {
  ensureWebBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  [kim, lee, max] = await Promise.all(['Kim Kay', 'Lee Lam', 'Max Moe'].map((name) => signUp(browser, server.baseUrl, name)));
  kimPhone = await signIn(browser, server.baseUrl, kim.username);
  const { page } = kim;
  await startChatWith(kim, lee);
  await send(page, 'hi Lee');
  chats.lee = await openChatId(page);
  await startChatWith(kim, max);
  await send(page, 'hi Max');
  await page.getByRole('button', { name: 'Chat info' }).click(); // Max's chat is muted for Kim
  await page.getByRole('dialog').getByRole('button', { name: 'Always' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Unmute' }).waitFor();
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await createGroup(page, 'Book club', [lee, max]);
  await send(page, 'welcome');
  chats.group = await openChatId(page);
  await closeChat(page);

  await kim.context.grantPermissions(['notifications'], { origin: server.baseUrl });
  await switchNotifications(page, true);
}, 120_000);

afterAll(async () => {
  await closeAll(kim, kimPhone, lee, max);
  await browser?.close();
  await server?.close();
});
freshPagesAfterFailure(() => [kim, lee, max]);

async function createGroup(page: Page, name: string, members: Person[]): Promise<void> {
  await page.getByRole('button', { name: 'New chat' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('tab', { name: 'Group' }).click();
  await dialog.getByLabel('Group name').fill(name);
  for (const member of members) {
    await dialog.getByLabel('Add members by username').fill(member.username);
    await dialog.getByRole('button', { name: new RegExp(member.displayName) }).click();
  }
  await dialog.getByRole('button', { name: `Create group with ${members.length} people` }).click();
  await page.locator('.chat-header-title', { hasText: name }).waitFor();
}

async function closeChat(page: Page): Promise<void> {
  await page.evaluate(() => void (window.location.hash = ''));
  await page.getByRole('heading', { name: 'Pick a chat' }).waitFor();
}

/** Through Settings, as a user would; in headless Chromium the push subscription fails, so "on" means while Parley is open. */
async function switchNotifications(page: Page, on: boolean): Promise<void> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const settings = page.getByRole('group', { name: 'Notifications' });
  const toggle = settings.getByRole('switch', { name: 'Notifications on this device' });
  await settings.getByTestId('push-state').filter({ hasText: /^(On|Off)/ }).waitFor();
  if ((await toggle.isChecked()) !== on) await toggle.click();
  await settings.getByTestId('push-state').filter({ hasText: on ? /^On, but only while Parley is open/ : /^Off:/ }).waitFor();
  await page.getByRole('button', { name: 'Back to chats' }).click();
}

async function setPreviews(page: Page, previews: boolean): Promise<void> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('checkbox', { name: 'Show message text in notifications' }).setChecked(previews);
  await page.getByRole('button', { name: 'Back to chats' }).click();
}

/** The window is behind another app (or another tab is in front): the page no longer has the focus. */
const unattend = (page: Page) => page.evaluate(() => void (document.hasFocus = () => false));
const attend = (page: Page) => page.evaluate(() => void Reflect.deleteProperty(document, 'hasFocus'));

/** The tab is in the background: hidden, as the browser says with a `visibilitychange`. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((hidden) => {
    if (hidden) {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    } else {
      Reflect.deleteProperty(document, 'visibilityState');
      Reflect.deleteProperty(document, 'hidden');
    }
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/** Sends from the chat of that title, opening it first. */
async function say(person: { page: Page }, chat: string, text: string): Promise<void> {
  await openChat(person.page, chat);
  await send(person.page, text);
}

const listItem = (page: Page, name: string) => page.getByRole('navigation', { name: 'Chat list' }).getByRole('button', { name: new RegExp(name) });
const unreadIn = async (page: Page, name: string) => /unread/.test((await listItem(page, name).getAttribute('aria-label')) ?? '');
const titleOf = (page: Page) => page.evaluate(() => document.title);

interface Shown { title: string; body: string; tag: string }
const byTag = (list: Shown[]) => [...list].sort((a, b) => a.tag.localeCompare(b.tag));

/**
 * Every notification the app's service worker shows from now on, in order, recorded once it is
 * shown (a later one with the same tag replaces it on screen, so the screen alone cannot tell one
 * from two). Waiting on this rather than polling `getNotifications()`: Chromium drops a notification
 * from that list, for good, when the list is read while it is being shown.
 */
async function recordNotifications(context: BrowserContext): Promise<Worker> {
  const worker = context.serviceWorkers().find((w) => w.url().endsWith('/sw.js')) ?? (await context.waitForEvent('serviceworker'));
  await worker.evaluate(() => {
    const scope = globalThis as unknown as { registration: ServiceWorkerRegistration; shown?: Shown[] };
    const registration = scope.registration;
    if (!scope.shown) {
      const show = registration.showNotification.bind(registration);
      registration.showNotification = async (title, options) => {
        await show(title, options);
        scope.shown!.push({ title, body: options?.body ?? '', tag: options?.tag ?? '' });
      };
    }
    scope.shown = [];
  });
  return worker;
}
const shown = (worker: Worker) => worker.evaluate(() => (globalThis as unknown as { shown: Shown[] }).shown);

/** What the browser shows now; read only once the worker has shown what it was asked to. */
const onScreen = async (page: Page): Promise<Shown[]> =>
  byTag(await page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag }))));

/** Kim back at the list with every chat read and no notification left, as each test starts. */
async function readEverything(): Promise<void> {
  const { page } = kim;
  await attend(page);
  for (const name of ['Lee Lam', 'Book club', 'Max Moe']) {
    if (!(await unreadIn(page, name))) continue;
    await openChat(page, name);
    await expect.poll(() => unreadIn(page, name), POLL).toBe(false);
  }
  await closeChat(page);
  await page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).forEach((n) => n.close()));
  await expect.poll(() => onScreen(page), POLL).toEqual([]);
}

describe('the tab title', () => {
  it('counts the chats with unread messages, leaves out muted ones, and goes back as they are read', async () => {
    const { page } = kim;
    await readEverything();
    await setHidden(page, true);
    await expect.poll(() => titleOf(page), POLL).toBe('Parley');

    await say(lee, 'Kim Kay', 'title: one');
    await expect.poll(() => titleOf(page), POLL).toBe('(1) Parley');
    await say(max, 'Book club', 'title: two');
    await expect.poll(() => titleOf(page), POLL).toBe('(2) Parley');
    // More in a chat already counted, and a muted chat: still two.
    await say(lee, 'Kim Kay', 'title: three');
    await say(max, 'Kim Kay', 'title: muted');
    await listItem(page, 'Lee Lam').and(page.locator('[aria-label*="2 unread"]')).waitFor();
    await listItem(page, 'Max Moe').and(page.locator('[aria-label*="1 unread"]')).waitFor();
    expect(await titleOf(page)).toBe('(2) Parley');

    await setHidden(page, false);
    await openChat(page, 'Lee Lam');
    await expect.poll(() => titleOf(page), POLL).toBe('(1) Parley');
    await openChat(page, 'Book club');
    await expect.poll(() => titleOf(page), POLL).toBe('Parley');
    await readEverything();
  });
});

describe('notices while Parley is open but not looked at', () => {
  it('show a new message as its push would: sender, group and text, or "New message" without previews', async () => {
    const { page, context } = kim;
    await readEverything();
    const worker = await recordNotifications(context);
    await unattend(page);
    await say(lee, 'Kim Kay', 'are you coming tonight?');
    await expect.poll(() => shown(worker), POLL).toEqual([{ title: 'Lee Lam', body: 'are you coming tonight?', tag: chats.lee }]);
    await say(max, 'Book club', 'bring snacks');
    await expect.poll(async () => (await shown(worker)).length, POLL).toBe(2);
    expect(await onScreen(page)).toEqual(byTag([
      { title: 'Lee Lam', body: 'are you coming tonight?', tag: chats.lee },
      { title: 'Max Moe in Book club', body: 'bring snacks', tag: chats.group },
    ]));

    await readEverything();
    await setPreviews(page, false);
    await unattend(page);
    await say(lee, 'Kim Kay', 'the secret plan');
    await expect.poll(async () => (await shown(worker)).slice(2), POLL).toEqual([{ title: 'Lee Lam', body: 'New message', tag: chats.lee }]);
    await setPreviews(page, true);
  });

  it('give one notice per chat for messages that arrive together, with their count and the newest', async () => {
    const { page, context } = kim;
    await readEverything();
    const worker = await recordNotifications(context);
    await unattend(page);
    await context.setOffline(true);
    try {
      await page.getByTestId('connection-banner').waitFor();
      for (const text of ['first while away', 'second while away', 'third while away']) await say(lee, 'Kim Kay', text);
      await say(lee, 'Book club', 'group: from Lee');
      await say(max, 'Book club', 'group: from Max');
      await tickOf(lee.page, 'group: from Lee', ['sent', 'delivered', 'read']);
      await tickOf(max.page, 'group: from Max', ['sent', 'delivered', 'read']);
    } finally {
      await context.setOffline(false);
    }
    await connected(page);
    const expected = byTag([
      { title: 'Lee Lam', body: '3 new messages\nthird while away', tag: chats.lee },
      { title: 'Book club', body: '2 new messages\nMax Moe: group: from Max', tag: chats.group },
    ]);
    await expect.poll(async () => byTag(await shown(worker)), POLL).toEqual(expected);
    expect(await onScreen(page)).toEqual(expected);
  });

  it('leave out messages that arrive while the page is looked at, in a muted chat, your own, and any while switched off', async () => {
    const { page, context } = kim;
    await readEverything();
    const worker = await recordNotifications(context);
    await say(lee, 'Kim Kay', 'while you look');
    await listItem(page, 'Lee Lam').filter({ hasText: 'while you look' }).waitFor();
    await unattend(page);
    await say(max, 'Kim Kay', 'muted news');
    await listItem(page, 'Max Moe').filter({ hasText: 'muted news' }).waitFor();
    await say(kimPhone, 'Lee Lam', 'from my phone');
    await closeChat(kimPhone.page); // an open chat there would read what comes next
    await listItem(page, 'Lee Lam').filter({ hasText: 'from my phone' }).waitFor();
    // The first notice stands alone: one message, not three, and nothing for Max's muted chat.
    await say(lee, 'Kim Kay', 'now you get one');
    await expect.poll(() => shown(worker), POLL).toEqual([{ title: 'Lee Lam', body: 'now you get one', tag: chats.lee }]);

    await readEverything();
    await switchNotifications(page, false);
    await unattend(page);
    await say(lee, 'Kim Kay', 'switched off');
    await listItem(page, 'Lee Lam').filter({ hasText: 'switched off' }).waitFor();
    await attend(page);
    await switchNotifications(page, true);
    await unattend(page);
    await say(lee, 'Kim Kay', 'switched on');
    await expect.poll(async () => (await shown(worker)).slice(1), POLL).toEqual([{ title: 'Lee Lam', body: 'switched on', tag: chats.lee }]);
  });
});

/** Counts the worker's "are you looked at?" questions to this page (the app answers them). */
const countAttentionQuestions = (page: Page) =>
  page.evaluate(() => {
    const scope = window as unknown as { asked: number };
    scope.asked = 0;
    navigator.serviceWorker.addEventListener('message', (event) => {
      if ((event.data as { type?: string } | null)?.type === 'parley.attention') scope.asked++;
    });
  });
const askedOf = (page: Page) => page.evaluate(() => (window as unknown as { asked: number }).asked);

async function openSecondTab(): Promise<Page> {
  const second = await kim.context.newPage();
  await second.goto('/');
  await connected(second);
  return second;
}

describe('several tabs of the app', () => {
  it('show a message once, not once per tab', async () => {
    await readEverything();
    const second = await openSecondTab();
    const worker = await recordNotifications(kim.context);
    await unattend(kim.page);
    await unattend(second);

    await say(lee, 'Kim Kay', 'one notice for two tabs');
    await expect.poll(() => shown(worker), POLL).toEqual([{ title: 'Lee Lam', body: 'one notice for two tabs', tag: chats.lee }]);
    // Both tabs asked for that notice long before they ask for this one; the worker takes them in turn.
    await say(max, 'Book club', 'and one for the group');
    await expect.poll(async () => (await shown(worker)).length, POLL).toBeGreaterThanOrEqual(2);
    expect(await shown(worker)).toEqual([
      { title: 'Lee Lam', body: 'one notice for two tabs', tag: chats.lee },
      { title: 'Max Moe in Book club', body: 'and one for the group', tag: chats.group },
    ]);
    await second.close();
  });

  it('show nothing while another tab of the app is looked at', async () => {
    await readEverything();
    const second = await openSecondTab();
    const worker = await recordNotifications(kim.context);
    await countAttentionQuestions(second);
    await unattend(kim.page); // the second tab is in front

    await say(lee, 'Kim Kay', 'seen in the other tab');
    await expect.poll(() => askedOf(second), POLL).toBe(1); // it answered: looked at
    await unattend(second);
    await say(max, 'Book club', 'nobody looking now');
    await expect.poll(async () => (await shown(worker)).length, POLL).toBeGreaterThanOrEqual(1);
    expect(await shown(worker)).toEqual([{ title: 'Max Moe in Book club', body: 'nobody looking now', tag: chats.group }]);
    await second.close();
  });
});
