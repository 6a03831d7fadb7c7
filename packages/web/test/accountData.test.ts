import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { bubble, closeAll, ensureWebBuilt, freshPagesAfterFailure, launchChromium, openChat, PASSWORD, send, signUp, startChatWith, type Person } from './support/browser.js';

let server: TestServer;
let browser: Browser;
let kim: Person;
let lee: Person;

beforeAll(async () => {
  ensureWebBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  [kim, lee] = await Promise.all([signUp(browser, server.baseUrl, 'Kim Kato'), signUp(browser, server.baseUrl, 'Lee Lund')]);
}, 120_000);

afterAll(async () => {
  await closeAll(kim, lee);
  await browser?.close();
  await server?.close();
});
freshPagesAfterFailure(() => [kim, lee]);

const openSettings = (page: Page) => page.getByRole('button', { name: 'Settings', exact: true }).click();
const yourData = (page: Page) => page.getByRole('region', { name: 'Your data' });

describe('your data', () => {
  it('"Download my data" saves the export as a JSON file named after the user and the day', async () => {
    await startChatWith(kim, lee);
    await send(kim.page, 'hello Lee');
    await openSettings(kim.page);
    const download = kim.page.waitForEvent('download');
    await yourData(kim.page).getByRole('button', { name: 'Download my data' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`parley-export-${kim.username}-${new Date().toISOString().slice(0, 10)}.json`);
    const stream = await file.createReadStream();
    let text = '';
    for await (const chunk of stream) text += chunk.toString();
    const data = JSON.parse(text);
    expect(data).toMatchObject({ format: 'parley-export/1', user: { username: kim.username, displayName: 'Kim Kato' } });
    expect(data.messages.map((m: { content: string }) => m.content)).toEqual(['hello Lee']);
  });

  it('"Delete account…" shows a wrong password inline, then deletes: back at sign-in, and the peer sees "Deleted account"', async () => {
    if (!(await yourData(kim.page).isVisible())) await openSettings(kim.page); // still open after the download
    await yourData(kim.page).getByRole('button', { name: 'Delete account…' }).click();
    const dialog = kim.page.getByRole('dialog', { name: 'Delete account' });
    await expect.poll(() => dialog.getByRole('note').textContent()).toMatch(/cannot be undone/);
    await dialog.getByLabel('Password').fill('not the password');
    await dialog.getByRole('button', { name: 'Delete my account' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'That password is not right.' }).waitFor();

    await dialog.getByLabel('Password').fill(PASSWORD);
    await dialog.getByLabel('Also delete the messages I sent').check();
    await dialog.getByRole('button', { name: 'Delete my account' }).click();
    await kim.page.getByRole('tab', { name: 'Create account' }).waitFor();

    await openChat(lee.page, 'Deleted account');
    await bubble(lee.page, 'hello Lee').waitFor({ state: 'detached' });
  });
});
