import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Reply } from './api.js';

/** `POST /media/upload` as a browser's FormData would send it. */
export async function upload(baseUrl: string, token: string, bytes: Buffer, filename: string, type = 'application/octet-stream'): Promise<Reply> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), filename);
  const res = await fetch(`${baseUrl}/api/v1/media/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** GET of a (signed, relative) media URL; the body as bytes. */
export async function fetchMedia(baseUrl: string, url: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const res = await fetch(`${baseUrl}${url}`, { headers });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

/** A small PNG whose pixels depend on `seed`, so different seeds are different bytes. */
export const pngOf = (seed: number, width = 64, height = 48): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: { r: seed % 256, g: (seed * 7) % 256, b: (seed * 13) % 256 } } }).png().toBuffer();

/** Random pixels compress badly: a PNG of about width*height*3 bytes. */
export const noisyPng = (width: number, height: number): Promise<Buffer> =>
  sharp(Buffer.from(Array.from({ length: width * height * 3 }, () => Math.floor(Math.random() * 256))), { raw: { width, height, channels: 3 } }).png().toBuffer();

/**
 * Media made by ffmpeg's test sources (scripts/test.mjs installs ffmpeg), or from `input` (its
 * bytes and extension), which `args` then name as `INPUT`.
 */
export function ffmpegMake(args: string[], ext: string, input?: { bytes: Buffer; ext: string }): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-av-'));
  const inFile = path.join(dir, `in.${input?.ext}`);
  if (input) fs.writeFileSync(inFile, input.bytes);
  const file = path.join(dir, `out.${ext}`);
  execFileSync('ffmpeg', ['-v', 'error', ...args.map((a) => (a === 'INPUT' ? inFile : a)), file]);
  const bytes = fs.readFileSync(file);
  fs.rmSync(dir, { recursive: true, force: true });
  return bytes;
}

export interface Probed {
  format: { format_name: string; tags?: Record<string, string> };
  streams: Array<{ codec_type: string; tags?: Record<string, string>; side_data_list?: Array<{ rotation?: number }> }>;
}

/** What ffprobe reads of a file: its container, streams and every metadata tag. */
export function ffprobe(bytes: Buffer): Probed {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-probe-'));
  const file = path.join(dir, 'media');
  fs.writeFileSync(file, bytes);
  try {
    return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { encoding: 'utf8' })) as Probed;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file under `dir`, relative paths, sorted. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}
