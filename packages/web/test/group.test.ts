import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { bubble, chatHeader, closeAll, ensureWebBuilt, freshPagesAfterFailure, launchChromium, openChat, send, signUp, tickOf, type Person } from './support/browser.js';

let server: TestServer;
let browser: Browser;
let cleo: Person;
let dev: Person;
let eve: Person;

beforeAll(async () => {
  ensureWebBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  [cleo, dev, eve] = await Promise.all(['Cleo Chen', 'Dev Patel', 'Eve Evans'].map((name) => signUp(browser, server.baseUrl, name)));
}, 120_000);

afterAll(async () => {
  await closeAll(cleo, dev, eve);
  await browser?.close();
  await server?.close();
});
freshPagesAfterFailure(() => [cleo, dev, eve]);

describe('a group of three', () => {
  it('is created with its members from the UI and shows up for everyone', async () => {
    const { page } = cleo;
    await page.getByRole('button', { name: 'New chat' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('tab', { name: 'Group' }).click();
    await dialog.getByLabel('Group name').fill('Trip planning');
    for (const member of [dev, eve]) {
      await dialog.getByLabel('Add members by username').fill(member.username);
      await dialog.getByRole('button', { name: new RegExp(member.displayName) }).click();
    }
    await dialog.getByRole('button', { name: 'Create group with 2 people' }).click();
    await chatHeader(page, 'Trip planning').waitFor();
    await page.getByTestId('chat-status').filter({ hasText: '3 members' }).waitFor();
    await openChat(dev.page, 'Trip planning');
    await openChat(eve.page, 'Trip planning');
  });

  it('delivers every message to the other two, with sender names, and reads reach "read" when both have read', async () => {
    await send(cleo.page, 'Train or car?');
    await tickOf(cleo.page, 'Train or car?', 'read');
    for (const p of [dev, eve]) {
      await bubble(p.page, 'Train or car?').waitFor();
      await bubble(p.page, 'Train or car?').getByText('Cleo Chen').waitFor();
    }
    await send(dev.page, 'Train, I want to sleep');
    await send(eve.page, 'Train 🚆');
    for (const p of [cleo, dev, eve]) {
      await bubble(p.page, 'Train, I want to sleep').waitFor();
      await bubble(p.page, 'Train 🚆').waitFor();
    }
    await tickOf(dev.page, 'Train, I want to sleep', 'read');
  });

  it('shows who is typing by name', async () => {
    await eve.page.getByRole('textbox', { name: 'Message', exact: true }).pressSequentially('I will book', { delay: 20 });
    await cleo.page.getByTestId('chat-status').filter({ hasText: 'Eve is typing…' }).waitFor();
    await dev.page.getByTestId('chat-status').filter({ hasText: 'Eve is typing…' }).waitFor();
    await eve.page.getByRole('textbox', { name: 'Message', exact: true }).fill('');
  });

  it('lets the admin delete a member\'s message for everyone; a member cannot', async () => {
    await bubble(eve.page, 'Train, I want to sleep').getByRole('button', { name: 'Message actions' }).click();
    await eve.page.getByRole('menuitem', { name: 'Delete' }).click();
    const eveDialog = eve.page.getByRole('dialog', { name: 'Delete message?' });
    await eveDialog.getByRole('button', { name: 'Delete for me' }).waitFor();
    expect(await eveDialog.getByRole('button', { name: 'Delete for everyone' }).count()).toBe(0);
    await eveDialog.getByRole('button', { name: 'Cancel' }).click();

    await bubble(cleo.page, 'Train, I want to sleep').getByRole('button', { name: 'Message actions' }).click();
    await cleo.page.getByRole('menuitem', { name: 'Delete' }).click();
    await cleo.page.getByRole('dialog', { name: 'Delete message?' }).getByRole('button', { name: 'Delete for everyone' }).click();
    for (const p of [cleo, dev, eve]) {
      await p.page.getByText('This message was deleted').waitFor();
      expect(await bubble(p.page, 'Train, I want to sleep').count()).toBe(0);
    }
  });

  it('lets the admin rename the group and remove a member; the removed member loses the chat', async () => {
    const { page } = cleo;
    await page.getByRole('button', { name: 'Chat info' }).click();
    const dialog = page.getByRole('dialog', { name: 'Group info' });
    await dialog.getByLabel('Group name').fill('Trip to Lisbon');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await chatHeader(dev.page, 'Trip to Lisbon').waitFor();
    await dialog.getByRole('button', { name: 'Remove Eve Evans from the group' }).click();
    await dialog.locator('.member-row').nth(1).waitFor();
    await page.getByTestId('chat-status').filter({ hasText: '2 members' }).waitFor();
    await eve.page.getByText('This chat is not available.').waitFor();
    expect(await eve.page.getByRole('navigation', { name: 'Chat list' }).getByRole('button').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('lets the admin add a member back and make another member an admin', async () => {
    const { page } = cleo;
    await page.getByRole('button', { name: 'Chat info' }).click();
    const dialog = page.getByRole('dialog', { name: 'Group info' });
    await dialog.getByRole('button', { name: 'Add members' }).click();
    await dialog.getByLabel('Add by username').fill(eve.username);
    await dialog.getByRole('button', { name: /Eve Evans/ }).click();
    await page.getByTestId('chat-status').filter({ hasText: '3 members' }).waitFor();
    await openChat(eve.page, 'Trip to Lisbon');

    await dialog.getByRole('button', { name: 'Make Dev Patel an admin' }).click();
    await dialog.getByRole('button', { name: 'Remove Dev Patel as admin' }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dev.page.getByRole('button', { name: 'Chat info' }).click();
    await dev.page.getByRole('dialog', { name: 'Group info' }).getByRole('button', { name: 'Rename' }).waitFor(); // admins rename
    await dev.page.getByRole('dialog', { name: 'Group info' }).getByRole('button', { name: 'Close' }).click();
  });

  it('lets a member leave', async () => {
    const { page } = dev;
    await page.getByRole('button', { name: 'Chat info' }).click();
    await page.getByRole('dialog', { name: 'Group info' }).getByRole('button', { name: 'Leave group' }).click();
    await page.getByRole('heading', { name: 'Pick a chat' }).waitFor();
    await cleo.page.getByTestId('chat-status').filter({ hasText: /^2 members/ }).waitFor();
    expect(dev.dialogs).toEqual(['confirm: Leave “Trip to Lisbon”?']);
  });
});
