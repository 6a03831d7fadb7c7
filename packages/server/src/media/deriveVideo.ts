import { execFile, spawnSync } from 'node:child_process';
import sharp from 'sharp';
import { previewOf, THUMB_MAX } from './deriveImage.js';

export interface DerivedVideo {
  durationMs?: number;
  /** Present when there is a picture (after rotation metadata is applied). */
  width?: number;
  height?: number;
  hasVideo: boolean;
  poster?: { width: number; height: number; preview: string };
}

const TIMEOUT_MS = 20_000;
let available: boolean | undefined;

/** ffmpeg is optional: detected once, at first use. Without it videos have no poster or duration. */
export function ffmpegAvailable(): boolean {
  available ??= ['ffprobe', 'ffmpeg'].every((cmd) => spawnSync(cmd, ['-version'], { stdio: 'ignore', timeout: 5000 }).status === 0);
  return available;
}

interface Probe {
  format?: { duration?: string };
  streams?: Array<{ codec_type?: string; width?: number; height?: number; side_data_list?: Array<{ rotation?: number }>; tags?: { rotate?: string } }>;
}

/**
 * Duration and dimensions with ffprobe, and for videos a poster frame as a WebP thumbnail at
 * `posterPath`. Returns undefined when ffmpeg is not installed or cannot read the file: the upload
 * is still accepted, only without these extras.
 */
export async function deriveVideo(sourcePath: string, posterPath: string): Promise<DerivedVideo | undefined> {
  if (!ffmpegAvailable()) return undefined;
  let probe: Probe;
  try {
    const out = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', sourcePath], 'utf8');
    probe = JSON.parse(out as string) as Probe;
  } catch {
    return undefined;
  }
  const seconds = Number(probe.format?.duration);
  const durationMs = Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
  const video = probe.streams?.find((s) => s.codec_type === 'video' && s.width && s.height);
  if (!video) return { durationMs, hasVideo: false };
  const rotation = Math.abs(Number(video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0));
  const sideways = rotation === 90 || rotation === 270;
  const derived: DerivedVideo = { durationMs, hasVideo: true, width: sideways ? video.height : video.width, height: sideways ? video.width : video.height };
  try {
    const at = durationMs ? Math.min(1, durationMs / 2000) : 0;
    // ffmpeg applies the rotation metadata when decoding, so the frame is upright.
    const frame = (await run('ffmpeg', ['-v', 'error', '-ss', String(at), '-i', sourcePath, '-frames:v', '1', '-f', 'image2', '-c:v', 'png', 'pipe:1'], 'buffer')) as Buffer;
    const poster = await sharp(frame).resize(THUMB_MAX, THUMB_MAX, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 70 }).toFile(posterPath);
    derived.poster = { width: poster.width, height: poster.height, preview: await previewOf(frame) };
  } catch {
    // No poster (a broken or exotic stream); duration and size are still useful.
  }
  return derived;
}

function run(cmd: string, args: string[], encoding: 'utf8' | 'buffer'): Promise<string | Buffer> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding, timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}
