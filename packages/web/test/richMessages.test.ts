import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { ffmpegMake, pngOf } from '../../server/test/support/media.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { bubble, chatHeader, CHROMIUM, CHROMIUM_ARGS, closeAll, ensureWebBuilt, freshPagesAfterFailure, openChat, send, signUp, startChatWith, type Person } from './support/browser.js';

let server: TestServer;
let browser: Browser;
let ann: Person;
let ben: Person;
let cy: Person;
const LIMIT = 1024 * 1024;

beforeAll(async () => {
  ensureWebBuilt();
  // A fake microphone that needs no permission prompt, for voice notes.
  const launch = chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
  // A small upload limit, so the refusal of a too-large file is quick to show.
  [server, browser] = await Promise.all([startServer({ MEDIA_MAX_BYTES: String(LIMIT) }), launch]);
  [ann, ben, cy] = await Promise.all([signUp(browser, server.baseUrl, 'Ann Archer'), signUp(browser, server.baseUrl, 'Ben Brooks'), signUp(browser, server.baseUrl, 'Cy Cole')]);
  await startChatWith(ann, ben);
  await send(ann.page, 'hello Ben');
  await openChat(ben.page, 'Ann Archer');
  await bubble(ben.page, 'hello Ben').waitFor();
}, 120_000);

afterAll(async () => {
  await closeAll(ann, ben, cy);
  await browser?.close();
  await server?.close();
});
freshPagesAfterFailure(() => [ann, ben, cy]);

/** Attach → menu entry → the file chooser gets this file; the send dialog opens. */
async function attach(page: Page, entry: 'Photo or video' | 'File', file: { name: string; mimeType: string; buffer: Buffer }): Promise<Locator> {
  await page.getByRole('button', { name: 'Attach' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('menuitem', { name: entry }).click();
  await (await chooser).setFiles(file);
  return page.getByRole('dialog');
}

/** The image's natural width once it has decoded pixels (the locator is resolved again each time: an <img> may be replaced). */
async function loadedImage(img: Locator): Promise<number> {
  const width = () => img.evaluate((el) => (el instanceof HTMLImageElement && el.complete ? el.naturalWidth : 0), undefined, { timeout: 5_000 });
  await expect.poll(width, { timeout: 15_000 }).toBeGreaterThan(0);
  return width();
}

async function chooseAction(page: Page, message: Locator, entry: string): Promise<void> {
  await message.hover();
  await message.getByRole('button', { name: 'Message actions' }).click();
  await page.getByRole('menu', { name: 'Message actions' }).getByRole('menuitem', { name: entry }).click();
}

describe('rich messages in the browser', () => {
  it('an image goes from one person to the other: blur preview, thumbnail, full image in a dialog', async () => {
    const png = await pngOf(42, 640, 480);
    const dialog = await attach(ann.page, 'Photo or video', { name: 'harbour.png', mimeType: 'image/png', buffer: png });
    await dialog.getByText('Uploaded').waitFor();
    await dialog.getByLabel('Caption').fill('the harbour at dusk');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'detached' });

    const theirs = bubble(ben.page, 'the harbour at dusk');
    await theirs.waitFor();
    expect(await theirs.locator('.media-preview').getAttribute('src')).toMatch(/^data:image\/webp;base64,/);
    const thumb = theirs.getByTestId('media-thumb');
    expect(await thumb.getAttribute('src')).toMatch(/\/api\/v1\/media\/[^/]+\/thumb\?exp=\d+&sig=/);
    expect(await loadedImage(thumb)).toBeGreaterThan(0);
    expect(await loadedImage(bubble(ann.page, 'the harbour at dusk').getByTestId('media-thumb'))).toBeGreaterThan(0);

    await theirs.getByRole('button', { name: 'Open image: the harbour at dusk' }).click();
    const full = ben.page.getByRole('dialog').getByTestId('media-full');
    expect(await loadedImage(full)).toBe(640);
    await ben.page.keyboard.press('Escape');
    await ben.page.getByRole('dialog').waitFor({ state: 'detached' });
    await ann.page.getByRole('navigation', { name: 'Chat list' }).getByRole('button', { name: /Ben Brooks/ }).filter({ hasText: 'You: 📷 Photo: the harbour at dusk' }).waitFor();
  });

  it('a media URL that fails to load is renewed through GET /media/{id} and loads', async () => {
    let refused = 0;
    const renewals: string[] = [];
    await ben.page.route('**/api/v1/media/*/thumb?*', (route) => (refused++ === 0 ? route.fulfill({ status: 403, body: '' }) : route.continue()));
    ben.page.on('request', (r) => /\/api\/v1\/media\/[^/?]+$/.test(new URL(r.url()).pathname) && renewals.push(r.url()));
    const dialog = await attach(ann.page, 'Photo or video', { name: 'second.png', mimeType: 'image/png', buffer: await pngOf(7, 200, 100) });
    await dialog.getByText('Uploaded').waitFor();
    await dialog.getByLabel('Caption').fill('second try');
    await dialog.getByRole('button', { name: 'Send' }).click();
    expect(await loadedImage(bubble(ben.page, 'second try').getByTestId('media-thumb'))).toBeGreaterThan(0);
    expect(refused).toBeGreaterThanOrEqual(2);
    expect(renewals).toHaveLength(1);
    await ben.page.unroute('**/api/v1/media/*/thumb?*');
  });

  it('a refused upload says why and sends nothing', async () => {
    const dialog = await attach(ann.page, 'Photo or video', { name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all, just text') });
    await dialog.getByRole('alert').filter({ hasText: 'This kind of file can’t be sent' }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await ann.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('a file comes with its name, size and a download link that serves the bytes', async () => {
    const text = 'minutes of the meeting\n'.repeat(100);
    const dialog = await attach(ann.page, 'File', { name: 'minutes.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
    await dialog.getByText('Uploaded').waitFor();
    await dialog.getByRole('button', { name: 'Send' }).click();
    const card = ben.page.getByTestId('message').locator('.media-file', { hasText: 'minutes.txt' });
    await card.waitFor();
    await card.getByText('2.2 KB').waitFor();
    const link = card.getByRole('link', { name: 'Download minutes.txt' });
    const href = await link.getAttribute('href');
    expect(href).toMatch(/\/api\/v1\/media\/[^/]+\/file\?exp=\d+&sig=/);
    const res = await ben.page.request.get(href!);
    expect(res.status()).toBe(200);
    expect(await res.text()).toBe(text);
  });

  it('a shared location is a card with the coordinates, the name and an OpenStreetMap link', async () => {
    await ann.context.grantPermissions(['geolocation']);
    await ann.context.setGeolocation({ latitude: 48.8584, longitude: 2.2945 });
    // From the keyboard: the menu opens on its first entry, arrows move, Enter picks.
    await ann.page.getByRole('button', { name: 'Attach' }).focus();
    await ann.page.keyboard.press('Enter');
    await expect(ann.page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Photo or video');
    await ann.page.keyboard.press('ArrowDown');
    await ann.page.keyboard.press('ArrowDown');
    await expect(ann.page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Share location');
    await ann.page.keyboard.press('Enter');
    const dialog = ann.page.getByRole('dialog');
    await dialog.getByText('48.85840, 2.29450').waitFor();
    await dialog.getByLabel('Name').fill('Eiffel Tower');
    await dialog.getByRole('button', { name: 'Send location' }).click();

    const card = ben.page.getByTestId('location-card').filter({ hasText: 'Eiffel Tower' });
    await card.getByText('48.85840, 2.29450').waitFor();
    const link = card.getByRole('link', { name: 'Open in OpenStreetMap' });
    expect(await link.getAttribute('href')).toBe('https://www.openstreetmap.org/?mlat=48.8584&mlon=2.2945#map=16/48.8584/2.2945');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');
  });

  it('a reaction shows on both sides; clicking it toggles, the own one is highlighted', async () => {
    await send(ann.page, 'pizza tonight?');
    await bubble(ben.page, 'pizza tonight?').waitFor();
    await chooseAction(ben.page, bubble(ben.page, 'pizza tonight?'), 'React');
    await ben.page.getByRole('group', { name: 'Choose a reaction' }).getByRole('button', { name: 'React with 👍' }).click();

    const reactions = (page: Page) => page.locator('.message-row-wrap', { has: bubble(page, 'pizza tonight?') }).getByTestId('reactions');
    const benThumb = reactions(ben.page).getByRole('button', { name: '👍 1' });
    await benThumb.waitFor();
    expect(await benThumb.getAttribute('aria-pressed')).toBe('true');
    const annThumb = reactions(ann.page).getByRole('button', { name: '👍 1' });
    await annThumb.waitFor();
    expect(await annThumb.getAttribute('aria-pressed')).toBe('false');

    await annThumb.click();
    await reactions(ann.page).getByRole('button', { name: '👍 2', pressed: true }).waitFor();
    await reactions(ben.page).getByRole('button', { name: '👍 2', pressed: true }).waitFor();

    await reactions(ben.page).getByRole('button', { name: '👍 2' }).click();
    await reactions(ann.page).getByRole('button', { name: '👍 1', pressed: true }).waitFor();
    await reactions(ben.page).getByRole('button', { name: '👍 1', pressed: false }).waitFor();
  });

  it('a forwarded image reaches a third person, marked "Forwarded", with its thumbnail', async () => {
    await startChatWith(ben, cy);
    await send(ben.page, 'hi Cy');
    await openChat(cy.page, 'Ben Brooks');
    await openChat(ben.page, 'Ann Archer');
    await chooseAction(ben.page, bubble(ben.page, 'the harbour at dusk'), 'Forward');
    await ben.page.getByRole('dialog').getByRole('button', { name: 'Forward to Cy Cole' }).click();
    await ben.page.getByRole('dialog').getByRole('status').filter({ hasText: 'Forwarded to Cy Cole.' }).waitFor();
    await ben.page.keyboard.press('Escape');

    const forwarded = bubble(cy.page, 'the harbour at dusk');
    await forwarded.getByText('Forwarded', { exact: true }).waitFor();
    expect(await loadedImage(forwarded.getByTestId('media-thumb'))).toBeGreaterThan(0);
  });

  it('a voice note is recorded, sent and played back with its duration', async () => {
    await chatHeader(ann.page, 'Ben Brooks').waitFor();
    await ann.page.getByRole('button', { name: 'Record voice note' }).click();
    await ann.page.getByRole('timer').filter({ hasText: '0:02' }).waitFor(); // about two seconds of the fake microphone's tone
    await ann.page.getByRole('button', { name: 'Send voice note' }).click();

    const note = ben.page.getByTestId('message').filter({ has: ben.page.locator('audio') });
    await note.waitFor({ timeout: 20_000 });
    expect(await note.locator('audio').getAttribute('src')).toMatch(/\/api\/v1\/media\/[^/]+\/file\?exp=/);
    await note.getByTestId('audio-duration').filter({ hasText: /^0:0[1-3]$/ }).waitFor();
  });

  it('search finds a message by a word across chats, highlights it as text, and opens its chat', async () => {
    await send(ann.page, 'the <b>lighthouse</b> keeper waves');
    await bubble(ben.page, 'the <b>lighthouse</b> keeper waves').waitFor();
    await ben.page.goto('/'); // no chat open
    await ben.page.getByRole('searchbox', { name: 'Search chats' }).fill('lighthou');
    const results = ben.page.getByRole('region', { name: 'Messages found' });
    const hit = results.getByTestId('search-result').filter({ hasText: 'keeper waves' });
    await hit.waitFor();
    expect(await hit.locator('mark').allTextContents()).toEqual(['lighthouse']);
    expect(await hit.locator('b').count()).toBe(0);
    expect(await hit.textContent()).toContain('<b>lighthouse</b>');
    await hit.click();
    await chatHeader(ben.page, 'Ann Archer').waitFor();
    await bubble(ben.page, 'the <b>lighthouse</b> keeper waves').waitFor();
  });

  it('search pages with "Load more"', async () => {
    for (let i = 1; i <= 23; i++) await send(ann.page, `echo number ${i}`);
    await bubble(ben.page, 'echo number 23').waitFor();
    const box = ben.page.getByRole('searchbox', { name: 'Search chats' });
    await box.fill('echo');
    const results = ben.page.getByRole('region', { name: 'Messages found' }).getByTestId('search-result');
    await expect.poll(() => results.count()).toBe(20);
    await ben.page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => results.count()).toBe(23);
    await ben.page.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached' });
    expect([...ann.errors, ...ben.errors, ...cy.errors]).toEqual([]);
  });

  // The server answers a refused upload with `Connection: close`, so the next one cannot hang on a half-read connection.
  it('a file over the size limit is refused with a clear message', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(LIMIT + 200_000, 32)]);
    const dialog = await attach(ann.page, 'File', { name: 'report.pdf', mimeType: 'application/pdf', buffer: big });
    await dialog.getByRole('alert').filter({ hasText: 'This file is too large to send (1.2 MB); file uploads can be up to 1.0 MB.' }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await ann.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // The next upload goes straight through (a hung connection would show as the SDK's 30 s timeout).
    const next = await attach(ann.page, 'File', { name: 'after.txt', mimeType: 'text/plain', buffer: Buffer.from('still works') });
    await next.getByText('Uploaded').waitFor({ timeout: 10_000 });
    await next.getByRole('button', { name: 'Send' }).click();
    await ben.page.getByRole('link', { name: 'Download after.txt' }).waitFor();
  });

  it('a video plays in the bubble with its poster frame and duration', async () => {
    const mp4 = ffmpegMake(['-f', 'lavfi', '-i', 'testsrc=duration=2:size=320x240:rate=10', '-pix_fmt', 'yuv420p', '-c:v', 'libx264'], 'mp4');
    const dialog = await attach(ann.page, 'Photo or video', { name: 'clip.mp4', mimeType: 'video/mp4', buffer: mp4 });
    await dialog.getByText('Uploaded').waitFor();
    await dialog.getByLabel('Caption').fill('a short clip');
    await dialog.getByRole('button', { name: 'Send' }).click();
    const video = bubble(ben.page, 'a short clip').locator('video');
    await video.waitFor();
    expect(await video.getAttribute('controls')).not.toBeNull();
    expect(await video.getAttribute('poster')).toMatch(/\/thumb\?exp=/);
    expect(await video.getAttribute('src')).toMatch(/\/file\?exp=/);
    await bubble(ben.page, 'a short clip').locator('.media-duration').filter({ hasText: '0:02' }).waitFor();
    await expect.poll(() => video.evaluate((el) => (el as HTMLVideoElement).readyState)).toBeGreaterThanOrEqual(1); // metadata loaded
  });
});
