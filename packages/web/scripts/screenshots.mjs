#!/usr/bin/env node
// Screenshots for the README: a real server (built packages), real accounts and messages, the
// chat list and a chat at desktop and phone width, light and dark. Run after `npm run build`:
//   npm run screenshots -w @parley/web
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildParley } from '../../server/dist/app.js';
import { loadConfig } from '../../server/dist/config.js';

const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PASSWORD = 'correct horse battery';
const tag = crypto.randomBytes(2).toString('hex');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-shots-'));
const parley = await buildParley(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0', AUTH_RATE_PER_MIN: '100000', HTTP_RATE_PER_MIN: '1000000' }));
await parley.app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${parley.app.server.address().port}`;

async function api(method, url, body, token) {
  const res = await fetch(`${base}/api/v1${url}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}
const people = {};
for (const [key, name] of [['maya', 'Maya Lindqvist'], ['jonas', 'Jonas Weber'], ['priya', 'Priya Raman'], ['leo', 'Leo Martins'], ['sam', 'Sam Okafor'], ['nora', 'Nora Haddad']]) {
  const r = await api('POST', '/auth/register', { username: `${key}_${tag}`, password: PASSWORD, displayName: name });
  people[key] = { id: r.user.id, token: r.accessToken, username: `${key}_${tag}` };
}
const say = (from, chatId, content, replyTo) => api('POST', `/chats/${chatId}/messages`, { type: 'text', content, clientMsgId: crypto.randomUUID(), ...(replyTo ? { replyTo } : {}) }, people[from].token).then((r) => r.message);
const chatWith = (a, b) => api('POST', '/chats/private', { userId: people[b].id }, people[a].token).then((c) => c.id);
const read = (who, chatId, seq) => api('POST', `/chats/${chatId}/read`, { seq }, people[who].token);

// The story, oldest chats first so the list order comes out as activity order.
const nora = await chatWith('maya', 'nora');
await say('nora', nora, 'Thanks for the book tip, finished it in two days');
const n2 = await say('maya', nora, 'Told you! The ending 😮');
await read('maya', nora, n2.seq);
const sam = await chatWith('maya', 'sam');
await say('sam', sam, 'Can you send me the invoice for March?');
const s2 = await say('maya', sam, 'Sent it this morning, check your inbox');
await read('sam', sam, s2.seq);
await read('maya', sam, s2.seq);
const group = await api('POST', '/chats/group', { name: 'Weekend climbing', memberIds: [people.jonas.id, people.priya.id, people.leo.id] }, people.maya.token);
await say('leo', group.id, 'Who is in for Saturday? Weather looks perfect');
await say('priya', group.id, 'Me! Can someone bring the long rope?');
await say('jonas', group.id, 'I have it. Meet at the parking lot at 9?');
const g4 = await say('maya', group.id, 'Count me in, I’ll bring coffee');
await read('leo', group.id, g4.seq);
await read('maya', group.id, g4.seq);
await say('leo', group.id, 'Legend. Forecast: https://www.meteoblue.com');
const leo = await chatWith('maya', 'leo');
await say('leo', leo, 'Did you see the new bouldering gym opened?');
const jonas = await chatWith('maya', 'jonas');
await say('jonas', jonas, 'Hey! Are we still on for the design review tomorrow?');
const j2 = await say('maya', jonas, 'Yes, 10:00. I’ll share the prototype link before that.');
await say('jonas', jonas, 'Perfect. Could you also add the onboarding flow?\nThe team wants to see the empty states too.', j2.id);
const j4 = await say('maya', jonas, 'Sure, here it is: https://parley.example/proto/onboarding');
await say('maya', jonas, 'Empty states are on pages 4–6');
await read('jonas', jonas, j4.seq + 1);
await say('jonas', jonas, 'Looks great. Small thing: the send button feels a bit low on phones.');
const last = await say('maya', jonas, 'Good catch, I’ll move it up 4px 😄');
await read('jonas', jonas, last.seq - 1);
await api('POST', '/contacts', { userId: people.jonas.id }, people.maya.token);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
fs.mkdirSync(OUT, { recursive: true });

async function shoot(name, viewport, colorScheme, openChat) {
  const context = await browser.newContext({ baseURL: base, viewport, deviceScaleFactor: 2, colorScheme });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('tab', { name: 'Sign in' }).click();
  await page.getByLabel('Username').fill(people.maya.username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Chats' }).waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="connection-banner"]'));
  if (openChat) {
    await page.getByRole('navigation', { name: 'Chat list' }).getByRole('button', { name: /Jonas Weber/ }).click();
    await page.locator('.bubble-text', { hasText: 'Good catch' }).waitFor();
  }
  // Jonas is online and typing in the chat view; Leo and Priya are online for the list's dots.
  if (openChat) await page.getByTestId('chat-status').filter({ hasText: 'typing…' }).waitFor();
  else await page.waitForFunction(() => document.querySelectorAll('.chat-list .avatar-dot').length >= 2);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  await context.close();
}

// Online friends (their presence shows as dots) and Jonas typing for the chat shots.
const { ParleyClient } = await import('../../client/dist/index.js');
const online = [];
for (const key of ['jonas', 'priya', 'leo']) {
  const client = new ParleyClient({ baseUrl: base });
  await client.login(people[key].username, PASSWORD);
  await client.connect();
  online.push(client);
}
const typing = setInterval(() => online[0].startTyping(jonas), 1000);
online[0].startTyping(jonas);

await shoot('desktop-chat', { width: 1280, height: 800 }, 'light', true);
await shoot('desktop-chat-dark', { width: 1280, height: 800 }, 'dark', true);
await shoot('phone-list', { width: 390, height: 844 }, 'light', false);
await shoot('phone-chat', { width: 390, height: 844 }, 'light', true);

clearInterval(typing);
await Promise.all(online.map((c) => c.close()));
await browser.close();
await parley.close();
fs.rmSync(dataDir, { recursive: true, force: true });
console.log(`screenshots written to ${OUT}`);
