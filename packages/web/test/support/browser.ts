import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WEB_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** The server serves packages/web/dist; `npm test` builds it first, a bare `vitest run` may not have. */
export function ensureWebBuilt(): void {
  if (fs.existsSync(`${WEB_DIR}dist/index.html`)) return;
  // Vitest sets NODE_ENV=test, which would make Vite build React's development bundle and
  // leave out the service worker the offline test needs.
  const result = spawnSync('npm', ['run', 'build'], { cwd: WEB_DIR, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.status !== 0) throw new Error('building packages/web failed');
}

export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no ${CHROMIUM}: install it with apt-get install -y chromium (npm test does this when run as root)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Someone using the app in their own browser profile (a context: own storage, own network switch). */
export interface Person {
  context: BrowserContext;
  page: Page;
  username: string;
  displayName: string;
  /** Dialogs the page opened (`alert: 1`): a script injected through a message would show here. */
  dialogs: string[];
  /** Uncaught errors in the page. */
  errors: string[];
}

export const PASSWORD = 'correct horse battery';

export async function openApp(browser: Browser, baseUrl: string, viewport = { width: 1280, height: 800 }): Promise<Omit<Person, 'username' | 'displayName'>> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  // Every dialog is recorded; the app's own confirm() questions ("Leave group?") are answered yes.
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void (dialog.type() === 'confirm' ? dialog.accept() : dialog.dismiss());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto('/');
  return { context, page, dialogs, errors };
}

/** Opens the app and creates an account through the sign-up form. */
export async function signUp(browser: Browser, baseUrl: string, displayName: string, viewport?: { width: number; height: number }): Promise<Person> {
  const opened = await openApp(browser, baseUrl, viewport);
  const username = `${displayName.toLowerCase().replace(/[^a-z]/g, '')}_${crypto.randomBytes(3).toString('hex')}`;
  const { page } = opened;
  await page.getByRole('tab', { name: 'Create account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Chats' }).waitFor();
  await connected(page);
  return { ...opened, username, displayName };
}

/** Opens the app and signs in to an existing account through the form. */
export async function signIn(browser: Browser, baseUrl: string, username: string, viewport?: { width: number; height: number }): Promise<Omit<Person, 'displayName'>> {
  const opened = await openApp(browser, baseUrl, viewport);
  const { page } = opened;
  await page.getByRole('tab', { name: 'Sign in' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Chats' }).waitFor();
  await connected(page);
  return { ...opened, username };
}

/**
 * The tests of a file share their people, each starting where the one before left the pages.
 * After a failed test every page is loaded afresh at the chat list (a closed one reopened), so
 * one failure is reported once, not again by every test after it that finds a panel left open.
 */
export function freshPagesAfterFailure(people: () => Array<Person | undefined>): void {
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    await Promise.all(
      people().map(async (person) => {
        if (!person) return;
        if (person.page.isClosed()) person.page = await person.context.newPage();
        await person.page.goto('/');
        await connected(person.page);
      }),
    );
  });
}

/** The link is up (no banner). */
export async function connected(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[data-testid="connection-banner"]'), undefined, { timeout: 20_000 });
}

/** New chat → Person → search by username → open. */
export async function startChatWith(me: Person, other: Person): Promise<void> {
  const { page } = me;
  await page.getByRole('button', { name: 'New chat' }).click();
  await page.getByRole('dialog').getByLabel('Search by username').fill(other.username);
  await page.getByRole('dialog').getByRole('button', { name: new RegExp(other.displayName) }).click();
  await chatHeader(page, other.displayName).waitFor();
}

export function chatHeader(page: Page, title: string) {
  return page.locator('.chat-header-title', { hasText: title });
}

/** Opens a chat from the list by its title. */
export async function openChat(page: Page, title: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Chat list' }).getByRole('button', { name: new RegExp(title) }).click();
  await chatHeader(page, title).waitFor();
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** The bubble holding exactly this text. */
export function bubble(page: Page, text: string) {
  return page.getByTestId('message').filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) });
}

/** Waits until the own message shows this tick. */
export async function tickOf(page: Page, text: string, status: Tick | Tick[], timeout = 20_000): Promise<void> {
  const selector = (Array.isArray(status) ? status : [status]).map((s) => `[data-tick="${s}"]`).join(', ');
  await bubble(page, text).locator(selector).waitFor({ timeout });
}

export type Tick = 'sending' | 'sent' | 'delivered' | 'read';

export async function closeAll(...people: Array<{ context: BrowserContext } | undefined>): Promise<void> {
  await Promise.all(people.map((p) => p?.context.close().catch(() => {})));
}
