import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, CDPSession, Page } from 'playwright-core';
import type { PushPayload } from '@parley/protocol';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { chatHeader, closeAll, connected, ensureWebBuilt, freshPagesAfterFailure, launchChromium, send, signIn, signUp, startChatWith, type Person } from './support/browser.js';

let server: TestServer;
let browser: Browser;
let kim: Person;
let kimPhone: Omit<Person, 'displayName'>; // the same user on a second device
let lee: Person;
let chatId: string;

beforeAll(async () => {
  ensureWebBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  [kim, lee] = await Promise.all([signUp(browser, server.baseUrl, 'Kim Kay'), signUp(browser, server.baseUrl, 'Lee Lam')]);
  kimPhone = await signIn(browser, server.baseUrl, kim.username);
  await startChatWith(kim, lee);
  await send(kim.page, 'see you at six');
  chatId = (await kim.page.evaluate(() => decodeURIComponent(window.location.hash.replace('#/chat/', ''))));
}, 120_000);

afterAll(async () => {
  await closeAll(kim, kimPhone, lee);
  await browser?.close();
  await server?.close();
});
freshPagesAfterFailure(() => [kim, lee]);

const listItem = (page: Page, name: string) => page.getByRole('navigation', { name: 'Chat list' }).getByRole('button', { name: new RegExp(name) });
const mutedInList = (page: Page, name: string) => listItem(page, name).getByTestId('muted-icon');

describe('mute', () => {
  it('muting for 8 hours shows on every device of the user, survives a reload, and unmuting clears it', async () => {
    const { page } = kim;
    await page.getByRole('button', { name: 'Chat info' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('group', { name: 'Mute notifications' }).getByRole('button', { name: '8 hours' }).click();
    const until = dialog.getByRole('heading', { name: /^Muted until / });
    await until.waitFor();
    const shown = await until.textContent();
    await dialog.getByRole('button', { name: 'Close' }).click();

    await mutedInList(page, 'Lee Lam').waitFor();
    expect(await listItem(page, 'Lee Lam').getAttribute('aria-label')).toMatch(/muted/);
    await chatHeader(page, 'Lee Lam').locator('..').getByTestId('muted-icon').waitFor();
    await mutedInList(kimPhone.page, 'Lee Lam').waitFor(); // a chat frame, no reload
    expect(await mutedInList(lee.page, 'Kim Kay').count()).toBe(0); // muting is Kim's alone

    await page.reload();
    await connected(page);
    await mutedInList(page, 'Lee Lam').waitFor();
    await page.getByRole('button', { name: 'Chat info' }).click();
    expect(await dialog.getByRole('heading', { name: /^Muted until / }).textContent()).toBe(shown);
    await dialog.getByRole('button', { name: 'Unmute' }).click();
    await dialog.getByRole('group', { name: 'Mute notifications' }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => mutedInList(page, 'Lee Lam').count()).toBe(0);
    await expect.poll(() => mutedInList(kimPhone.page, 'Lee Lam').count()).toBe(0);
  });

  it('"Always" shows as plain "Muted", reachable by keyboard', async () => {
    const { page } = kim;
    await page.getByRole('button', { name: 'Chat info' }).click();
    const dialog = page.getByRole('dialog');
    const always = dialog.getByRole('button', { name: 'Always' });
    await always.focus();
    await page.keyboard.press('Enter');
    await dialog.getByRole('heading', { name: 'Muted', exact: true }).waitFor();
    await mutedInList(kimPhone.page, 'Lee Lam').waitFor();
    await dialog.getByRole('button', { name: 'Unmute' }).click();
    await dialog.getByRole('button', { name: 'Always' }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
  });
});

/** The app's service worker registration, as DevTools knows it (for `deliverPushMessage`). */
async function serviceWorkerOf(page: Page): Promise<{ cdp: CDPSession; registrationId: string }> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const cdp = await page.context().newCDPSession(page);
  const found = new Promise<string>((resolve) =>
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const live = registrations.find((r) => !r.isDeleted);
      if (live) resolve(live.registrationId);
    }),
  );
  await cdp.send('ServiceWorker.enable');
  return { cdp, registrationId: await found };
}

const notifications = (page: Page) =>
  page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, chatId: (n.data as { chatId: string }).chatId })));

describe('push messages in the service worker', () => {
  it('show one notification per chat, with sender, group and preview, unless an app window is in front', async () => {
    const { page, context } = lee;
    await context.grantPermissions(['notifications'], { origin: server.baseUrl });
    const { cdp, registrationId } = await serviceWorkerOf(page);
    const deliver = (push: PushPayload) => cdp.send('ServiceWorker.deliverPushMessage', { origin: server.baseUrl, registrationId, data: JSON.stringify(push) });
    const base = { type: 'message', chatType: 'private', messageId: 'm1', seq: 1, sender: { id: 'u1', displayName: 'Kim Kay' }, count: 1 } as const;

    // Headless Chromium reports every page focused and visible: the app is in front, so no notification.
    await deliver({ ...base, chatId, preview: 'see you at six' });
    await page.waitForTimeout(500);
    expect(await notifications(page)).toEqual([]);

    await page.goto('about:blank'); // no window of the app: the worker shows them
    await deliver({ ...base, chatId, preview: 'see you at six' });
    await deliver({ ...base, chatId, seq: 2, preview: 'or seven?' }); // same chat: replaces the first
    await deliver({ ...base, chatId: 'chat-2', chatType: 'group', chatName: 'Book club', preview: 'chapter 3 tonight' });
    await deliver({ ...base, chatId: 'chat-3', chatType: 'group', chatName: 'Climbing', preview: 'who has a rope', count: 3 });
    await deliver({ ...base, chatId: 'chat-4', sender: { id: 'u2', displayName: 'Max Moe' } }); // previews off
    await deliver({ ...base, chatId: 'chat-5', sender: { id: 'u2', displayName: 'Max Moe' }, count: 4 });
    await page.goto('/');
    await expect.poll(async () => (await notifications(page)).length).toBe(5);
    expect(new Set(await notifications(page))).toEqual(new Set([
      { title: 'Kim Kay', body: 'or seven?', tag: chatId, chatId },
      { title: 'Kim Kay in Book club', body: 'chapter 3 tonight', tag: 'chat-2', chatId: 'chat-2' },
      { title: 'Climbing', body: '3 new messages\nKim Kay: who has a rope', tag: 'chat-3', chatId: 'chat-3' },
      { title: 'Max Moe', body: 'New message', tag: 'chat-4', chatId: 'chat-4' },
      { title: 'Max Moe', body: '4 new messages', tag: 'chat-5', chatId: 'chat-5' },
    ]));
    await page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).forEach((n) => n.close()));
    await connected(page);
    await cdp.detach();
  });

  it('show a reaction to your message beside the chat’s messages, not in their place, with or without its text', async () => {
    const { page, context } = lee;
    await context.grantPermissions(['notifications'], { origin: server.baseUrl });
    const { cdp, registrationId } = await serviceWorkerOf(page);
    const deliver = (push: PushPayload) => cdp.send('ServiceWorker.deliverPushMessage', { origin: server.baseUrl, registrationId, data: JSON.stringify(push) });
    const sender = { id: 'u1', displayName: 'Kim Kay' };

    await page.goto('about:blank');
    await deliver({ type: 'message', chatId, chatType: 'private', messageId: 'm3', seq: 3, sender, preview: 'running late', count: 1 });
    await deliver({ type: 'reaction', chatId, chatType: 'private', messageId: 'm2', seq: 2, sender, emoji: '👍', preview: 'see you at 8' });
    await deliver({ type: 'reaction', chatId: 'chat-2', chatType: 'group', chatName: 'Book club', messageId: 'm9', seq: 9, sender, emoji: '❤️' }); // previews off
    await page.goto('/');
    await expect.poll(async () => (await notifications(page)).length).toBe(3);
    expect(new Set(await notifications(page))).toEqual(new Set([
      { title: 'Kim Kay', body: 'running late', tag: chatId, chatId },
      { title: 'Kim Kay', body: 'Reacted 👍 to: “see you at 8”', tag: `${chatId}:reaction`, chatId },
      { title: 'Kim Kay in Book club', body: 'Reacted ❤️ to your message', tag: 'chat-2:reaction', chatId: 'chat-2' },
    ]));
    await page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).forEach((n) => n.close()));
    await connected(page);
    await cdp.detach();
  });
});

const settings = (page: Page) => page.getByRole('group', { name: 'Notifications' });
/** Push subscriptions the server holds for this user, on any device. */
const storedSubscriptions = async (username: string) =>
  (await server.parley.ctx.store.db.selectFrom('push_subscriptions').innerJoin('users', 'users.id', 'push_subscriptions.user_id').select('endpoint').where('users.username', '=', username).execute()).length;

describe('turning notifications on', () => {
  it('stays on when the browser refuses a push subscription, says they show only while Parley is open and why, and stores nothing', async () => {
    const { page, context } = kim;
    await context.grantPermissions(['notifications'], { origin: server.baseUrl });
    await page.reload();
    await connected(page);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const toggle = settings(page).getByRole('switch', { name: 'Notifications on this device' });
    await settings(page).getByTestId('push-state').filter({ hasText: /^Off:/ }).waitFor();
    await toggle.click();
    // Headless Chromium: Playwright's contexts are incognito profiles, where Chromium refuses push subscriptions.
    const whileOpen = settings(page).getByTestId('push-state').filter({ hasText: /^On, but only while Parley is open/ });
    await whileOpen.filter({ hasText: 'The browser couldn’t subscribe to its push service: Registration failed - permission denied' }).waitFor();
    expect(await toggle.isChecked()).toBe(true);
    expect(await settings(page).getByRole('alert').count()).toBe(0);
    expect(await storedSubscriptions(kim.username)).toBe(0);
    // The choice is this browser's: still on after a reload, with the reason.
    await page.reload();
    await connected(page);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await whileOpen.filter({ hasText: 'Registration failed - permission denied' }).waitFor();
    expect(await toggle.isChecked()).toBe(true);
    expect(await storedSubscriptions(kim.username)).toBe(0);
    await page.getByRole('button', { name: 'Back to chats' }).click();
  });

  it('says how to allow notifications when the browser blocks them', async () => {
    const { page } = kimPhone;
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await settings(page).getByTestId('push-state').filter({ hasText: /^Off:/ }).waitFor();
    // Headless Chromium answers the permission prompt itself, with "denied": as if the user chose Block.
    await settings(page).getByRole('switch', { name: 'Notifications on this device' }).click();
    await settings(page).getByTestId('push-state').filter({ hasText: 'Notifications are blocked for Parley in this browser. To allow them, open the site settings' }).waitFor();
    expect(await page.evaluate(() => Notification.permission)).toBe('denied');
    expect(await settings(page).getByRole('switch').count()).toBe(0);
    expect(await settings(page).getByRole('checkbox', { name: 'Show message text in notifications' }).isDisabled()).toBe(true);
    expect(await storedSubscriptions(kim.username)).toBe(0);
    // Still blocked after a reload: the state comes from the browser, not from a flag of the app's.
    await page.reload();
    await connected(page);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await settings(page).getByTestId('push-state').filter({ hasText: 'Notifications are blocked' }).waitFor();
    await page.getByRole('button', { name: 'Back to chats' }).click();
  });
});
