import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { bubble, chatHeader, closeAll, connected, ensureWebBuilt, freshPagesAfterFailure, launchChromium, openChat, PASSWORD, send, signUp, startChatWith, type Person } from './support/browser.js';

const PHONE = { width: 390, height: 844 };

let server: TestServer;
let browser: Browser;
let hal: Person;
let ivy: Person; // on a phone
let jay: Person;

beforeAll(async () => {
  ensureWebBuilt();
  // A short grace period: someone who closes the app shows as offline (and last seen) at once.
  [server, browser] = await Promise.all([startServer({ PRESENCE_GRACE_MS: '300' }), launchChromium()]);
  [hal, ivy, jay] = await Promise.all([
    signUp(browser, server.baseUrl, 'Hal Hughes'),
    signUp(browser, server.baseUrl, 'Ivy Ito', PHONE),
    signUp(browser, server.baseUrl, 'Jay Jones'),
  ]);
}, 120_000);

afterAll(async () => {
  await closeAll(hal, ivy, jay);
  await browser?.close();
  await server?.close();
});
freshPagesAfterFailure(() => [hal, ivy, jay]);

const chatList = (page: Page) => page.getByRole('navigation', { name: 'Chat list' });
const listItem = (page: Page, name: string) => chatList(page).getByRole('button', { name: new RegExp(name) });
const listOrder = (page: Page) => chatList(page).locator('.chat-item-name').allTextContents();
const back = (page: Page) => page.getByRole('button', { name: 'Back to chats' });

describe('the chat list', () => {
  it('is sorted by activity, with unread badges and presence dots', async () => {
    await startChatWith(hal, ivy);
    await send(hal.page, 'hi Ivy');
    await startChatWith(hal, jay);
    await send(hal.page, 'hi Jay');
    await expect.poll(() => listOrder(hal.page)).toEqual(['Jay Jones', 'Ivy Ito']);

    await openChat(ivy.page, 'Hal Hughes');
    await send(ivy.page, 'hey Hal');
    await send(ivy.page, 'got a minute?');
    const ivyItem = listItem(hal.page, 'Ivy Ito');
    await ivyItem.filter({ hasText: 'got a minute?' }).waitFor();
    await expect.poll(() => listOrder(hal.page)).toEqual(['Ivy Ito', 'Jay Jones']);
    await ivyItem.locator('.badge', { hasText: '2' }).waitFor();
    expect(await ivyItem.getAttribute('aria-label')).toBe('Ivy Ito, online, 2 unread');
    expect(await ivyItem.locator('.avatar-dot').count()).toBe(1);
  });

  it('filters by name as you type', async () => {
    const search = hal.page.getByRole('searchbox', { name: 'Search chats' });
    await search.fill('ivy');
    await expect.poll(() => listOrder(hal.page)).toEqual(['Ivy Ito']);
    await search.fill('nobody here');
    await chatList(hal.page).getByText('No chat matches.').waitFor();
    await search.fill('');
    await expect.poll(() => listOrder(hal.page)).toEqual(['Ivy Ito', 'Jay Jones']);
  });
});

describe('at phone width', () => {
  it('shows one pane at a time, with a back button from the chat to the list', async () => {
    const { page } = ivy;
    await chatHeader(page, 'Hal Hughes').waitFor();
    expect(await chatList(page).isVisible()).toBe(false);
    await back(page).click();
    await chatList(page).waitFor();
    expect(await page.locator('.chat-pane').count()).toBe(0);
    await openChat(page, 'Hal Hughes');
    expect(await chatList(page).isVisible()).toBe(false);
    const width = await page.locator('.chat-pane').evaluate((el) => el.getBoundingClientRect().width);
    expect(width).toBe(PHONE.width);
    await back(page).click();
  });

  it('switches between light and dark themes, and every control has a name', async () => {
    const { page } = ivy;
    const background = () => page.locator('.sidebar').evaluate((el) => getComputedStyle(el).backgroundColor);
    const light = await background();
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await background()).not.toBe(light);
    const dark = await background();
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(await background()).toBe(light);
    // With no choice made, the system's scheme decides; a choice wins over it.
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe(light);
    await page.evaluate(() => delete document.documentElement.dataset.theme);
    expect(await background()).toBe(dark);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).toBe(light);
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('button, input, textarea, select, a[href]')]
        .filter((el) => !(el.getAttribute('aria-label') || el.textContent?.trim() || (el as HTMLInputElement).labels?.length))
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);
  });
});

describe('settings', () => {
  it('a new display name shows at once for the user and, live, for the people they chat with', async () => {
    const { page } = ivy;
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const profile = page.getByRole('form', { name: 'Profile' });
    await profile.getByLabel('Display name').fill('Ivy Iris');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await profile.getByRole('button', { name: 'Saved' }).waitFor();
    await back(page).click();
    await page.getByRole('button', { name: 'Settings for Ivy Iris' }).waitFor();
    await listItem(hal.page, 'Ivy Iris').waitFor(); // no reload: the server pushes the change
    await hal.page.reload();
    await connected(hal.page);
    await listItem(hal.page, 'Ivy Iris').waitFor();
  });

  it('"who sees when I’m online: nobody" hides the online status from others, and "everyone" shows it again', async () => {
    await openChat(hal.page, 'Ivy Iris');
    const status = hal.page.getByTestId('chat-status');
    await status.filter({ hasText: /^online$/ }).waitFor();
    const online = ivy.page.getByLabel('Who sees when I’m online');
    await ivy.page.getByRole('button', { name: 'Settings', exact: true }).click();
    await online.selectOption('nobody');
    await status.filter({ hasNotText: /^online$/ }).waitFor();
    expect(await listItem(hal.page, 'Ivy Iris').getAttribute('aria-label')).not.toContain('online');
    await online.selectOption('everyone');
    await status.filter({ hasText: /^online$/ }).waitFor();
    await back(ivy.page).click();
  });
});

describe('last seen', () => {
  /** Ivy closes the app: her only connection goes. */
  const leave = () => ivy.page.close();
  const comeBack = async () => {
    ivy.page = await ivy.context.newPage();
    await ivy.page.goto('/');
    await connected(ivy.page);
  };
  const lastSeenSetting = () => ivy.page.getByLabel('Who sees my last seen time');
  // Saved before the page closes: closing it would abort the request.
  const setLastSeen = (value: string) =>
    Promise.all([
      ivy.page.waitForResponse((r) => r.url().endsWith('/api/v1/users/me/privacy') && r.request().method() === 'PUT' && r.ok()),
      lastSeenSetting().selectOption(value),
    ]);

  it('shows "last seen" in the header once the other person leaves, unless they hide it', async () => {
    const status = hal.page.getByTestId('chat-status');
    await ivy.page.getByRole('button', { name: 'Settings', exact: true }).click();
    await setLastSeen('nobody');
    await leave();
    await status.filter({ hasText: `@${ivy.username}` }).waitFor();

    await comeBack();
    await status.filter({ hasText: /^online$/ }).waitFor();
    await ivy.page.getByRole('button', { name: 'Settings', exact: true }).click();
    await expect.poll(() => lastSeenSetting().inputValue()).toBe('nobody');
    await setLastSeen('everyone');
    await leave();
    await status.filter({ hasText: 'last seen just now' }).waitFor();

    await comeBack();
    await status.filter({ hasText: /^online$/ }).waitFor();
  });
});

describe('contacts', () => {
  it('a contact request is accepted from the contacts panel', async () => {
    await hal.page.getByRole('button', { name: 'Contacts' }).click();
    await hal.page.getByRole('button', { name: 'Add contact' }).click();
    await hal.page.getByLabel('Find people by username').fill(ivy.username);
    await hal.page.getByRole('complementary', { name: 'Chats and settings' }).getByRole('button', { name: /Ivy Iris/ }).click();
    await hal.page.getByRole('region', { name: 'Sent requests' }).getByText('Ivy Iris').waitFor();

    await ivy.page.getByRole('button', { name: 'Contacts' }).click();
    const requests = ivy.page.getByRole('region', { name: 'Requests' });
    await requests.getByText('Hal Hughes').waitFor();
    await requests.getByRole('button', { name: 'Accept' }).click();
    await ivy.page.getByRole('region', { name: 'Contacts' }).getByText('Hal Hughes').waitFor();
    await back(ivy.page).click();
    await back(hal.page).click();
  });

  it('blocking stops the other person’s messages; unblocking lets them through again', async () => {
    await openChat(hal.page, 'Jay Jones');
    await hal.page.getByRole('button', { name: 'Chat info' }).click();
    const info = hal.page.getByRole('dialog', { name: 'Contact info' });
    await info.getByRole('button', { name: 'Block' }).click();
    await info.getByRole('button', { name: 'Unblock' }).waitFor();
    await info.getByRole('button', { name: 'Close' }).click();

    await openChat(jay.page, 'Hal Hughes');
    await send(jay.page, 'are you ignoring me?');
    await bubble(jay.page, 'are you ignoring me?').getByRole('button', { name: 'Remove unsent message' }).waitFor();

    await hal.page.getByRole('button', { name: 'Contacts' }).click();
    await hal.page.getByRole('region', { name: 'Blocked' }).getByRole('button', { name: 'Unblock Jay Jones' }).click();
    await hal.page.getByRole('region', { name: 'Blocked' }).waitFor({ state: 'detached' });
    await back(hal.page).click();
    await send(jay.page, 'hello again');
    await bubble(hal.page, 'hello again').waitFor();
    expect(await bubble(hal.page, 'are you ignoring me?').count()).toBe(0);
  });
});

describe('the session', () => {
  it('logs out to the sign-in screen, and signing in again brings the chats back', async () => {
    const { page } = hal;
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('tab', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('tab', { name: 'Sign in' }).waitFor(); // this device forgot the session
    await page.getByRole('tab', { name: 'Sign in' }).click();
    await page.getByLabel('Username').fill(hal.username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await listItem(page, 'Ivy Iris').waitFor();
    await listItem(page, 'Jay Jones').waitFor();
  });

  it('opens a chat from the keyboard: Tab from the search box reaches the list, Enter opens, the composer takes focus', async () => {
    const { page } = hal;
    await page.getByRole('searchbox', { name: 'Search chats' }).focus();
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    await expect(focused()).resolves.toMatch(/^(Jay Jones|Ivy Iris)/);
    const title = (await focused())!.split(',')[0]!;
    await page.keyboard.press('Enter');
    await chatHeader(page, title).waitFor();
    await expect.poll(focused).toBe('Message');
  });
});
