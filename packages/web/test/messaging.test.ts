import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { bubble, chatHeader, closeAll, ensureWebBuilt, freshPagesAfterFailure, launchChromium, openChat, send, signUp, startChatWith, tickOf, type Person } from './support/browser.js';

let server: TestServer;
let browser: Browser;
let ann: Person;
let ben: Person;

beforeAll(async () => {
  ensureWebBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  [ann, ben] = await Promise.all([signUp(browser, server.baseUrl, 'Ann Archer'), signUp(browser, server.baseUrl, 'Ben Brooks')]);
}, 120_000);

afterAll(async () => {
  await closeAll(ann, ben);
  await browser?.close();
  await server?.close();
});
freshPagesAfterFailure(() => [ann, ben]);

describe('two people in a private chat', () => {
  it('exchange messages, and the sender sees ticks reach "read" once the other opens the chat', async () => {
    await startChatWith(ann, ben);
    await send(ann.page, 'hi Ben, lunch today?');
    await tickOf(ann.page, 'hi Ben, lunch today?', ['sent', 'delivered']); // Ben's browser marks it delivered at once

    // Ben's list shows the chat with an unread badge before he opens it; delivered, not read.
    const item = ben.page.getByRole('navigation', { name: 'Chat list' }).getByRole('button', { name: /Ann Archer/ });
    await item.filter({ hasText: 'hi Ben, lunch today?' }).waitFor();
    await expect(item.getAttribute('aria-label')).resolves.toContain('1 unread');
    await tickOf(ann.page, 'hi Ben, lunch today?', 'delivered');

    await openChat(ben.page, 'Ann Archer');
    await bubble(ben.page, 'hi Ben, lunch today?').waitFor();
    await tickOf(ann.page, 'hi Ben, lunch today?', 'read');
    await item.filter({ hasNotText: /unread/ }).waitFor().catch(() => {});
    expect(await item.getAttribute('aria-label')).not.toContain('unread');

    await send(ben.page, 'sure, 12:30 at the usual place');
    await bubble(ann.page, 'sure, 12:30 at the usual place').waitFor();
    await tickOf(ben.page, 'sure, 12:30 at the usual place', 'read');
  });

  it('shows "typing…" in the header while the other person types, and online presence', async () => {
    await ann.page.getByTestId('chat-status').filter({ hasText: 'online' }).waitFor();
    await ben.page.getByRole('textbox', { name: 'Message', exact: true }).pressSequentially('let me check', { delay: 30 });
    await ann.page.getByTestId('chat-status').filter({ hasText: 'typing…' }).waitFor();
    await ben.page.getByRole('textbox', { name: 'Message', exact: true }).fill('');
    await ann.page.getByTestId('chat-status').filter({ hasText: 'online' }).waitFor({ timeout: 10_000 });
  });

  it('Enter sends, Shift+Enter starts a new line', async () => {
    const box = ann.page.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill('first line');
    await box.press('Shift+Enter');
    await box.pressSequentially('second line');
    expect(await box.inputValue()).toBe('first line\nsecond line');
    await box.press('Enter');
    await bubble(ben.page, 'first line\nsecond line').waitFor();
    expect(await box.inputValue()).toBe('');
  });

  it('replies quote the message they answer', async () => {
    await bubble(ben.page, 'sure, 12:30 at the usual place').hover();
    await bubble(ben.page, 'sure, 12:30 at the usual place').getByRole('button', { name: 'Reply' }).click();
    await ben.page.getByText('Replying to yourself').waitFor();
    await send(ben.page, 'or 13:00 if you are late');
    const reply = bubble(ann.page, 'or 13:00 if you are late');
    await reply.waitFor();
    await reply.getByRole('button', { name: /Reply to Ben Brooks: sure, 12:30/ }).waitFor();
  });

  it('shows message content as text: HTML never runs, and only http(s) links are links', async () => {
    const attack = '<img src=x onerror=alert(1)>';
    await send(ann.page, attack);
    await send(ann.page, 'docs at https://example.com/guide, not javascript:alert(2) or <a href="javascript:alert(3)">this</a>');
    for (const page of [ann.page, ben.page]) {
      await bubble(page, attack).waitFor();
      await page.locator('.bubble-text', { hasText: 'docs at' }).waitFor();
      expect(await page.locator('.bubble img, .bubble script, .bubble iframe').count()).toBe(0);
      const links = page.locator('.bubble-text a');
      expect(await links.count()).toBe(1);
      expect(await links.first().getAttribute('href')).toBe('https://example.com/guide');
      expect(await links.first().getAttribute('rel')).toContain('noopener noreferrer');
      expect(await links.first().getAttribute('target')).toBe('_blank');
    }
    await ben.page.waitForTimeout(500); // an onerror handler would have fired by now
    expect([...ann.dialogs, ...ben.dialogs]).toEqual([]);
    expect([...ann.errors, ...ben.errors]).toEqual([]);
  });

  it('keeps the session on reload and shows the chat again', async () => {
    await ben.page.reload();
    await chatHeader(ben.page, 'Ann Archer').waitFor();
    await bubble(ben.page, 'or 13:00 if you are late').waitFor();
  });

  it('a message that arrives while the chat is open in a window nobody looks at is read when the reader comes back', async () => {
    // Headless Chromium gives every page the focus: the window goes behind another app the way the app hears it.
    await ben.page.evaluate(() => {
      document.hasFocus = () => false;
      window.dispatchEvent(new Event('blur'));
    });
    await send(ann.page, 'are you at your desk?');
    await bubble(ben.page, 'are you at your desk?').waitFor();
    await tickOf(ann.page, 'are you at your desk?', 'delivered');
    await ben.page.waitForTimeout(1000);
    expect(await bubble(ann.page, 'are you at your desk?').locator('[data-tick="read"]').count()).toBe(0);
    expect(await ben.page.evaluate(() => document.title)).toBe('(1) Parley');

    await ben.page.evaluate(() => {
      Reflect.deleteProperty(document, 'hasFocus');
      window.dispatchEvent(new Event('focus'));
    });
    await tickOf(ann.page, 'are you at your desk?', 'read');
    await expect.poll(() => ben.page.evaluate(() => document.title)).toBe('Parley');
  });
});
