import { execFile } from 'node:child_process';
import type { MediaKind } from '@parley/protocol';
import { ffmpegAvailable } from './deriveVideo.js';

// ffmpeg's muxer for each allowed video and audio type: the file keeps its container.
const MUXER: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/mp4': 'mp4',
  'audio/x-m4a': 'mp4',
  'audio/aac': 'adts',
  'audio/wav': 'wav',
  'audio/flac': 'flac',
};

const TIMEOUT_MS = 60_000;

/**
 * Phones write where a video was shot into the file (MP4's ©xyz, QuickTime's location keys,
 * GoPro's GPS data track), and recorders their owner, device and software: what images lose in
 * deriveImage, video and audio lose here. The streams are copied, not encoded again, so it takes
 * about as long as reading the file; kept are pictures (not cover art, which can carry EXIF of
 * its own) and sound, and the rotation, which is not metadata but part of the video track.
 * `+faststart` puts an MP4's index first, so playback can start before the whole file is read.
 * Resolves false when ffmpeg is not installed or cannot rewrite the file: it is then stored as received.
 */
export async function stripAvMetadata(sourcePath: string, mime: string, kind: MediaKind, outPath: string): Promise<boolean> {
  const muxer = MUXER[mime];
  if (!muxer || !ffmpegAvailable()) return false;
  const streams = kind === 'video' ? ['-map', '0:V?', '-map', '0:a?'] : ['-map', '0:a'];
  const args = [
    '-v', 'error', '-y', '-i', sourcePath, ...streams,
    '-map_metadata', '-1', '-map_chapters', '-1', '-c', 'copy',
    '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact',
    ...(muxer === 'mp4' || muxer === 'mov' ? ['-movflags', '+faststart'] : []),
    '-f', muxer, outPath,
  ];
  return new Promise((resolve) => {
    execFile('ffmpeg', args, { timeout: TIMEOUT_MS }, (err) => resolve(!err));
  });
}
