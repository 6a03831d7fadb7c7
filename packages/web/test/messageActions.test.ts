import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { bubble, closeAll, ensureWebBuilt, freshPagesAfterFailure, launchChromium, openChat, send, signUp, startChatWith, type Person } from './support/browser.js';

let server: TestServer;
let browser: Browser;
let ann: Person;
let ben: Person;

beforeAll(async () => {
  ensureWebBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  [ann, ben] = await Promise.all([signUp(browser, server.baseUrl, 'Ann Archer'), signUp(browser, server.baseUrl, 'Ben Brooks')]);
  await startChatWith(ann, ben);
  await send(ann.page, 'see you at 5');
  await send(ann.page, 'bring the slides');
  await openChat(ben.page, 'Ann Archer');
  await bubble(ben.page, 'bring the slides').waitFor();
}, 120_000);

afterAll(async () => {
  await closeAll(ann, ben);
  await browser?.close();
  await server?.close();
});
freshPagesAfterFailure(() => [ann, ben]);

/** Opens a bubble's action menu from the keyboard and picks an entry with the arrow keys. */
async function chooseWithKeyboard(page: Page, text: string, entry: string): Promise<void> {
  const menuButton = bubble(page, text).getByRole('button', { name: 'Message actions' });
  await menuButton.focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu', { name: 'Message actions' });
  const labels = await menu.getByRole('menuitem').allTextContents();
  expect(labels).toContain(entry);
  for (let i = 0; i < labels.indexOf(entry); i++) await page.keyboard.press('ArrowDown');
  await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe(entry);
  await page.keyboard.press('Enter');
}

describe('message actions', () => {
  it('the menu opens from the keyboard, and Escape closes it and gives focus back', async () => {
    const menuButton = bubble(ann.page, 'see you at 5').getByRole('button', { name: 'Message actions' });
    await menuButton.focus();
    await ann.page.keyboard.press('Enter');
    const items = ann.page.getByRole('menu', { name: 'Message actions' }).getByRole('menuitem');
    expect(await items.allTextContents()).toEqual(['Reply', 'React', 'Forward', 'Edit', 'Delete']);
    await ann.page.keyboard.press('Escape');
    await ann.page.getByRole('menu').waitFor({ state: 'detached' });
    expect(await menuButton.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('only offers "Edit" on own messages', async () => {
    await bubble(ben.page, 'see you at 5').getByRole('button', { name: 'Message actions' }).click();
    expect(await ben.page.getByRole('menu').getByRole('menuitem').allTextContents()).toEqual(['Reply', 'React', 'Forward', 'Delete']);
    await ben.page.keyboard.press('Escape');
  });

  it('an edit shows the new text marked "edited" on both sides', async () => {
    await chooseWithKeyboard(ann.page, 'see you at 5', 'Edit');
    const box = ann.page.getByRole('dialog', { name: 'Edit message' }).getByLabel('Message text');
    expect(await box.inputValue()).toBe('see you at 5');
    await box.fill('see you at 6');
    await box.press('Enter');
    await ann.page.getByRole('dialog').waitFor({ state: 'detached' });
    for (const page of [ann.page, ben.page]) {
      await bubble(page, 'see you at 6').getByText('edited').waitFor();
      expect(await bubble(page, 'see you at 5').count()).toBe(0);
    }
  });

  it('"delete for everyone" leaves a tombstone on both sides and in the chat list', async () => {
    await chooseWithKeyboard(ann.page, 'bring the slides', 'Delete');
    await ann.page.getByRole('dialog', { name: 'Delete message?' }).getByRole('button', { name: 'Delete for everyone' }).click();
    for (const page of [ann.page, ben.page]) {
      await page.getByText('This message was deleted').waitFor();
      expect(await bubble(page, 'bring the slides').count()).toBe(0);
      await page.getByRole('navigation', { name: 'Chat list' }).getByText('Message deleted').waitFor();
    }
  });

  it('"delete for me" hides the message only for the one who deleted it, also after a reload', async () => {
    await bubble(ben.page, 'see you at 6').getByRole('button', { name: 'Message actions' }).click();
    await ben.page.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = ben.page.getByRole('dialog', { name: 'Delete message?' });
    expect(await dialog.getByRole('button', { name: 'Delete for everyone' }).count()).toBe(0); // not his message
    await dialog.getByRole('button', { name: 'Delete for me' }).click();
    await bubble(ben.page, 'see you at 6').waitFor({ state: 'detached' });
    await ben.page.reload();
    await ben.page.getByText('This message was deleted').waitFor();
    expect(await bubble(ben.page, 'see you at 6').count()).toBe(0);
    expect(await bubble(ann.page, 'see you at 6').count()).toBe(1);
  });
});
