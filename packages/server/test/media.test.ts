import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { startServer, type TestServer } from './support/server.js';
import { loadConfig } from '../src/config.js';
import { fetchMedia, ffmpegMake, ffprobe, filesUnder, noisyPng, pngOf, upload } from './support/media.js';

// Small limits so "too large" needs no 25 MiB upload.
const MAX = 256 * 1024;
const VIDEO_MAX = 512 * 1024;
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ MEDIA_MAX_BYTES: String(MAX), MEDIA_VIDEO_MAX_BYTES: String(VIDEO_MAX) });
});
afterAll(() => server.close());

const sendMessage = (from: TestUser, chatId: string, message: Record<string, unknown>) =>
  api(server.baseUrl, 'POST', `/chats/${chatId}/messages`, { clientMsgId: crypto.randomUUID(), content: '', ...message }, from.accessToken);
const blobsDir = () => path.join(server.dataDir, 'media', 'blobs');
/** GPS IFD pointer (tag 0x8825) in either byte order. */
const hasGpsTag = (exif: Buffer | undefined) => !!exif && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])));

describe('uploading', () => {
  it('stores an image and answers its record with signed URLs, dimensions, a WebP thumbnail and a blur preview', async () => {
    const alice = await registerUser(server.baseUrl);
    const png = await pngOf(1, 640, 480);
    const res = await upload(server.baseUrl, alice.accessToken, png, 'holiday.png', 'image/png');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'image', mime: 'image/png', width: 640, height: 480, name: 'holiday.png', thumbWidth: 320, thumbHeight: 240 });
    expect(res.body.sha256).toBe(crypto.createHash('sha256').update(png).digest('hex'));
    expect(res.body.preview).toMatch(/^data:image\/webp;base64,/);
    const preview = await sharp(Buffer.from(res.body.preview.split(',')[1], 'base64')).metadata();
    expect(Math.max(preview.width, preview.height)).toBeLessThanOrEqual(16);
    expect(new Date(res.body.urlExpiresAt).getTime()).toBeGreaterThan(Date.now());

    const file = await fetchMedia(server.baseUrl, res.body.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect((await sharp(file.bytes).metadata()).width).toBe(640);
    const thumb = await fetchMedia(server.baseUrl, res.body.thumbUrl);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect(await sharp(thumb.bytes).metadata()).toMatchObject({ format: 'webp', width: 320, height: 240 });
  });

  it('removes EXIF and GPS from a JPEG and keeps it upright by its orientation', async () => {
    const alice = await registerUser(server.baseUrl);
    // 40x20 pixels with orientation 6 ("rotate 90° to view"): a viewer shows it 20 wide, 40 high.
    const jpeg = await sharp({ create: { width: 40, height: 20, channels: 3, background: 'red' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'SpyCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const before = await sharp(jpeg).metadata();
    expect(hasGpsTag(before.exif)).toBe(true); // the test image really carries GPS
    const res = await upload(server.baseUrl, alice.accessToken, jpeg, 'IMG_0001.jpg', 'image/jpeg');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ mime: 'image/jpeg', width: 20, height: 40 });
    const stored = await fetchMedia(server.baseUrl, res.body.url);
    const after = await sharp(stored.bytes).metadata();
    expect(after.exif).toBeUndefined();
    expect(stored.bytes.includes(Buffer.from('SpyCam'))).toBe(false);
    expect(after.orientation ?? 1).toBe(1);
    expect([after.width, after.height]).toEqual([20, 40]);
  });

  it('stores the same bytes once however often they are uploaded, by anyone', async () => {
    const [alice, bob] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const png = await pngOf(2);
    const first = await upload(server.baseUrl, alice.accessToken, png, 'a.png');
    const filesAfterFirst = filesUnder(blobsDir());
    const again = await upload(server.baseUrl, alice.accessToken, png, 'a-again.png');
    const byBob = await upload(server.baseUrl, bob.accessToken, png, 'b.png');
    expect([first.status, again.status, byBob.status]).toEqual([201, 201, 201]);
    // One record per upload, one blob (and one thumbnail) on disk.
    expect(new Set([first.body.id, again.body.id, byBob.body.id]).size).toBe(3);
    expect(filesUnder(blobsDir())).toEqual(filesAfterFirst);
    expect(filesUnder(blobsDir()).filter((f) => f.includes(first.body.sha256))).toEqual([
      `${first.body.sha256.slice(0, 2)}/${first.body.sha256}`,
      `${first.body.sha256.slice(0, 2)}/${first.body.sha256}.thumb.webp`,
    ]);
    expect(byBob.body).toMatchObject({ sha256: first.body.sha256, width: first.body.width, preview: first.body.preview });
  });

  it('refuses an image over the size limit with 413 and keeps nothing of it', async () => {
    const alice = await registerUser(server.baseUrl);
    const huge = await noisyPng(320, 320); // random pixels: about 300 KB
    expect(huge.length).toBeGreaterThan(MAX);
    const before = filesUnder(path.join(server.dataDir, 'media'));
    const res = await upload(server.baseUrl, alice.accessToken, huge, 'big.png', 'image/png');
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(filesUnder(path.join(server.dataDir, 'media'))).toEqual(before);
  });

  it('after refusing an upload part-way, the client is not left on a connection that answers nothing more', async () => {
    const alice = await registerUser(server.baseUrl);
    const huge = await noisyPng(320, 320);
    const boundary = 'parleyboundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.png"\r\ncontent-type: image/png\r\n\r\n`),
      huge,
      crypto.randomBytes(8 * 1024 * 1024), // far past the limit: most of it is still unread when the 413 goes out
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    // One keep-alive socket, as a browser would reuse for the next request.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, payload?: Buffer, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
        const req = http.request(`${server.baseUrl}/api/v1${path}`, { method, agent, headers: { authorization: `Bearer ${alice.accessToken}`, ...headers } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
        });
        req.on('error', reject);
        req.setTimeout(5000, () => req.destroy(new Error(`${method} ${path}: no answer in 5 s`)));
        req.end(payload);
      });
    const refused = await send('POST', '/media/upload', body, { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length) });
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).toBe('close');
    expect((await send('GET', '/users/me')).status).toBe(200);
    const small = Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="small.png"\r\ncontent-type: image/png\r\n\r\n`),
      await pngOf(41),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    expect((await send('POST', '/media/upload', small, { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(small.length) })).status).toBe(201);
    agent.destroy();
  });

  it('refuses a body larger than any upload may be before reading it', async () => {
    const alice = await registerUser(server.baseUrl);
    const res = await fetch(`${server.baseUrl}/api/v1/media/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.accessToken}`, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(VIDEO_MAX * 4) },
      body: Buffer.alloc(16),
      duplex: 'half',
    } as RequestInit).catch(() => undefined);
    // Either the 413 arrives, or the server closed the connection after answering it.
    if (res) expect(res.status).toBe(413);
  });

  it('refuses a file named .png holding text (type comes from the bytes) with 400', async () => {
    const alice = await registerUser(server.baseUrl);
    const res = await upload(server.baseUrl, alice.accessToken, Buffer.from('just some text, honestly a picture'), 'cat.png', 'image/png');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request' });
    expect(res.body.error.message).toMatch(/^file:/);
  });

  it('refuses types outside the allow-list, such as an executable', async () => {
    const alice = await registerUser(server.baseUrl);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(200)]);
    const res = await upload(server.baseUrl, alice.accessToken, elf, 'tool.pdf', 'application/pdf');
    expect(res.status).toBe(400);
  });

  it('accepts plain text only when both the bytes and the name say text, and serves it as a download', async () => {
    const alice = await registerUser(server.baseUrl);
    const res = await upload(server.baseUrl, alice.accessToken, Buffer.from('line one\nline two ✓\n'), 'notes.txt', 'text/plain');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'file', mime: 'text/plain', name: 'notes.txt' });
    const file = await fetchMedia(server.baseUrl, res.body.url);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="notes.txt"/);
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses a request without a file, and one without a token', async () => {
    const alice = await registerUser(server.baseUrl);
    const empty = await fetch(`${server.baseUrl}/api/v1/media/upload`, { method: 'POST', headers: { authorization: `Bearer ${alice.accessToken}` }, body: new FormData() });
    expect(empty.status).toBe(400);
    const anonymous = await fetch(`${server.baseUrl}/api/v1/media/upload`, { method: 'POST', body: new FormData() });
    expect(anonymous.status).toBe(401);
  });

  it('reads duration, size and a poster frame of a video with ffmpeg', async () => {
    const alice = await registerUser(server.baseUrl);
    const mp4 = ffmpegMake(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264'], 'mp4');
    const res = await upload(server.baseUrl, alice.accessToken, mp4, 'clip.mp4', 'video/mp4');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'video', mime: 'video/mp4', width: 160, height: 120, thumbWidth: 160, thumbHeight: 120 });
    expect(res.body.durationMs).toBeGreaterThan(1800);
    expect(res.body.durationMs).toBeLessThan(2200);
    expect(res.body.preview).toMatch(/^data:image\/webp;base64,/);
    const poster = await fetchMedia(server.baseUrl, res.body.thumbUrl);
    expect((await sharp(poster.bytes).metadata()).format).toBe('webp');
  });

  it('takes a WebM with sound only (a browser voice note) as audio, with its duration', async () => {
    const alice = await registerUser(server.baseUrl);
    const webm = ffmpegMake(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libopus'], 'webm');
    const res = await upload(server.baseUrl, alice.accessToken, webm, 'voice.webm', 'audio/webm');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'audio', mime: 'video/webm' });
    expect(res.body.thumbUrl).toBeUndefined();
    expect(res.body.durationMs).toBeGreaterThan(900);
  });

  it('removes where, when and with what a video was shot, and keeps its picture, sound and rotation', async () => {
    const alice = await registerUser(server.baseUrl);
    const shot = ffmpegMake(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-c:a', 'aac'], 'mp4');
    // As a phone writes it: the place in MP4's and in QuickTime's form, the owner's title, a rotation.
    const mp4 = ffmpegMake([
      '-i', 'INPUT', '-map', '0', '-c', 'copy', '-metadata:s:v:0', 'rotate=90', '-movflags', 'use_metadata_tags',
      '-metadata', 'location=+48.8584+002.2945/', '-metadata', 'com.apple.quicktime.location.ISO6709=+48.8584+002.2945+035.000/',
      '-metadata', 'title=Our secret place', '-metadata', 'creation_time=2026-06-01T10:00:00Z',
    ], 'mp4', { bytes: shot, ext: 'mp4' });
    expect(JSON.stringify(ffprobe(mp4).format.tags)).toContain('48.8584'); // the test means something

    const res = await upload(server.baseUrl, alice.accessToken, mp4, 'clip.mp4', 'video/mp4');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'video', mime: 'video/mp4', width: 120, height: 160 });
    const stored = await fetchMedia(server.baseUrl, res.body.url);
    expect(stored.bytes.length).toBe(res.body.size);
    expect(stored.bytes.includes('48.8584')).toBe(false);
    expect(stored.bytes.includes('secret place')).toBe(false);
    const probed = ffprobe(stored.bytes);
    expect(probed.format.format_name).toContain('mp4');
    expect(Object.keys(probed.format.tags ?? {}).filter((k) => !['major_brand', 'minor_version', 'compatible_brands'].includes(k))).toEqual([]);
    expect(probed.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    const video = probed.streams.find((s) => s.codec_type === 'video')!;
    expect(Math.abs(video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0)).toBe(90);
  });

  it('removes the tags of an audio file and keeps its sound', async () => {
    const alice = await registerUser(server.baseUrl);
    const mp3 = ffmpegMake(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-metadata', 'artist=Alice Example', '-metadata', 'comment=recorded at 12 Home Street', '-c:a', 'libmp3lame'], 'mp3');
    expect(mp3.includes('Home Street')).toBe(true);
    const res = await upload(server.baseUrl, alice.accessToken, mp3, 'memo.mp3', 'audio/mpeg');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'audio', mime: 'audio/mpeg' });
    expect(res.body.durationMs).toBeGreaterThan(900);
    const stored = await fetchMedia(server.baseUrl, res.body.url);
    expect(stored.bytes.includes('Home Street')).toBe(false);
    expect(stored.bytes.includes('Alice Example')).toBe(false);
    const probed = ffprobe(stored.bytes);
    expect(probed.format.format_name).toBe('mp3');
    expect(probed.streams.map((s) => s.codec_type)).toEqual(['audio']);
  });
});

describe('who may read media', () => {
  it('the uploader and members of a chat with a message that references it; anyone else gets 403', async () => {
    const [alice, bob, carol] = [await registerUser(server.baseUrl), await registerUser(server.baseUrl), await registerUser(server.baseUrl)];
    const chatId = await openPrivateChat(server.baseUrl, alice, bob);
    const media = (await upload(server.baseUrl, alice.accessToken, await pngOf(3), 'p.png')).body;
    const get = (user: TestUser) => api(server.baseUrl, 'GET', `/media/${media.id}`, undefined, user.accessToken);

    expect((await get(alice)).status).toBe(200);
    expect((await get(bob)).status).toBe(403); // not shared yet
    const sent = await sendMessage(alice, chatId, { type: 'image', media: { id: media.id }, content: 'look' });
    expect(sent.status).toBe(201);
    const forBob = await get(bob);
    expect(forBob.status).toBe(200);
    expect((await fetchMedia(server.baseUrl, forBob.body.url)).status).toBe(200);
    const forCarol = await get(carol);
    expect(forCarol.status).toBe(403);
    expect(forCarol.body.error.code).toBe('forbidden');
    expect((await api(server.baseUrl, 'GET', '/media/nope', undefined, carol.accessToken)).status).toBe(404);

    // Deleting the message for everyone ends the sharing (the uploader keeps access).
    await api(server.baseUrl, 'DELETE', `/chats/${chatId}/messages/${sent.body.message.id}?for=everyone`, undefined, alice.accessToken);
    expect((await get(bob)).status).toBe(403);
    expect((await get(alice)).status).toBe(200);
  });

  it('a media URL with a changed signature, id or variant is refused with 403', async () => {
    const alice = await registerUser(server.baseUrl);
    const [a, b] = [(await upload(server.baseUrl, alice.accessToken, await pngOf(4), 'a.png')).body, (await upload(server.baseUrl, alice.accessToken, await pngOf(5), 'b.png')).body];
    const tampered = a.url.replace(/sig=([^&]+)/, (_m: string, sig: string) => `sig=${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`);
    expect((await fetchMedia(server.baseUrl, tampered)).status).toBe(403);
    expect((await fetchMedia(server.baseUrl, a.url.replace(a.id, b.id))).status).toBe(403);
    expect((await fetchMedia(server.baseUrl, a.url.replace('/file?', '/thumb?'))).status).toBe(403);
    expect((await fetchMedia(server.baseUrl, a.url.replace(/exp=\d+/, (e: string) => `exp=${Number(e.slice(4)) + 3600}`))).status).toBe(403);
    expect((await fetchMedia(server.baseUrl, a.url.split('?')[0])).status).toBe(400);
  });

  it('an expired media URL is refused with 403, and GET /media/{id} hands out a fresh one', async () => {
    const shortLived = await startServer({ MEDIA_URL_TTL_SEC: '1' });
    try {
      const alice = await registerUser(shortLived.baseUrl);
      const media = (await upload(shortLived.baseUrl, alice.accessToken, await pngOf(6), 'p.png')).body;
      expect((await fetchMedia(shortLived.baseUrl, media.url)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 2100));
      const expired = await fetchMedia(shortLived.baseUrl, media.url);
      expect(expired.status).toBe(403);
      expect(JSON.parse(expired.bytes.toString()).error.message).toMatch(/expired/);
      const fresh = await api(shortLived.baseUrl, 'GET', `/media/${media.id}`, undefined, alice.accessToken);
      expect((await fetchMedia(shortLived.baseUrl, fresh.body.url)).status).toBe(200);
    } finally {
      await shortLived.close();
    }
  });

  it('answers Range requests with 206 and the exact bytes, so audio and video can seek', async () => {
    const alice = await registerUser(server.baseUrl);
    const recorded = ffmpegMake(['-f', 'lavfi', '-i', 'sine=frequency=300:duration=2', '-c:a', 'libopus'], 'ogg');
    const media = (await upload(server.baseUrl, alice.accessToken, recorded, 'note.ogg', 'audio/ogg')).body;
    const whole = await fetchMedia(server.baseUrl, media.url);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    // Stored without its tags (stripAvMetadata), so the ranges are of what is stored.
    const ogg = whole.bytes;
    expect(media).toMatchObject({ kind: 'audio', mime: 'audio/ogg', size: ogg.length });

    const part = await fetchMedia(server.baseUrl, media.url, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${ogg.length}`);
    expect(part.bytes.equals(ogg.subarray(100, 200))).toBe(true);
    const tail = await fetchMedia(server.baseUrl, media.url, { range: 'bytes=-50' });
    expect(tail.status).toBe(206);
    expect(tail.bytes.equals(ogg.subarray(ogg.length - 50))).toBe(true);
    const open = await fetchMedia(server.baseUrl, media.url, { range: `bytes=${ogg.length - 10}-` });
    expect(open.bytes.equals(ogg.subarray(ogg.length - 10))).toBe(true);
    const outside = await fetchMedia(server.baseUrl, media.url, { range: `bytes=${ogg.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${ogg.length}`);
  });
});

describe('the S3 BlobStore', () => {
  let s3: { close(): Promise<void> } | undefined;
  let s3Dir: string;
  let s3Server: TestServer;
  beforeAll(async () => {
    s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-s3-'));
    const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Dir });
    const { port } = await s3rver.run();
    s3 = s3rver;
    const endpoint = `http://127.0.0.1:${port}`;
    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await client.send(new CreateBucketCommand({ Bucket: 'parley-media' }));
    client.destroy();
    s3Server = await startServer({ S3_ENDPOINT: endpoint, S3_BUCKET: 'parley-media', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' });
  });
  afterAll(async () => {
    await s3Server?.close();
    await s3?.close();
  });

  it('keeps uploads in the bucket, once per content, and serves them with ranges', async () => {
    const alice = await registerUser(s3Server.baseUrl);
    const png = await pngOf(7, 100, 50);
    const first = await upload(s3Server.baseUrl, alice.accessToken, png, 'x.png');
    expect(first.status).toBe(201);
    const objects = filesUnder(s3Dir);
    expect(objects.some((f) => f.includes(first.body.sha256))).toBe(true);
    const again = await upload(s3Server.baseUrl, alice.accessToken, png, 'y.png');
    expect(again.status).toBe(201);
    expect(filesUnder(s3Dir)).toEqual(objects);
    expect(filesUnder(path.join(s3Server.dataDir, 'media', 'blobs'))).toEqual([]);

    const whole = await fetchMedia(s3Server.baseUrl, first.body.url);
    expect(whole.status).toBe(200);
    expect((await sharp(whole.bytes).metadata()).width).toBe(100);
    const part = await fetchMedia(s3Server.baseUrl, first.body.url, { range: 'bytes=0-7' });
    expect(part.status).toBe(206);
    expect(part.bytes.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect((await fetchMedia(s3Server.baseUrl, first.body.thumbUrl)).status).toBe(200);
  });
});

describe('media configuration', () => {
  it('defaults to 25 MiB, 100 MiB for video, one-hour URLs and the disk store', () => {
    const config = loadConfig({});
    expect([config.mediaMaxBytes, config.mediaVideoMaxBytes, config.mediaUrlTtlSec, config.s3]).toEqual([25 * 1024 * 1024, 100 * 1024 * 1024, 3600, undefined]);
  });

  it('refuses half an S3 configuration, naming what is missing', () => {
    expect(() => loadConfig({ S3_BUCKET: 'media' })).toThrow(/S3_ENDPOINT and S3_BUCKET/);
    expect(() => loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_BUCKET: 'media', S3_ACCESS_KEY_ID: 'k' })).toThrow(/S3_SECRET_ACCESS_KEY/);
    expect(() => loadConfig({ S3_ENDPOINT: 'ftp://x', S3_BUCKET: 'media' })).toThrow(/S3_ENDPOINT/);
    expect(() => loadConfig({ MEDIA_MAX_BYTES: 'lots' })).toThrow(/MEDIA_MAX_BYTES/);
    expect(loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_BUCKET: 'media' }).s3).toMatchObject({ region: 'us-east-1', forcePathStyle: true });
  });
});
