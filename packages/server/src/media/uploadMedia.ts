import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { MediaFile, MediaKind } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import { newId } from '../ids.js';
import type { MediaRow } from '../store/schema.js';
import { uploadTempDir } from './openBlobStore.js';
import { presentMedia } from './presentMedia.js';
import { receiveUpload, type Received } from './receiveUpload.js';
import type { Declared } from './sniffMediaType.js';
import { AUDIO_CAPABLE } from './sniffMediaType.js';
import { deriveImage } from './deriveImage.js';
import { deriveVideo, ffmpegAvailable } from './deriveVideo.js';
import { stripAvMetadata } from './stripAvMetadata.js';

/** What is worked out once per distinct content and shared by every upload of the same bytes. */
type Derived = Pick<MediaRow, 'kind' | 'mime' | 'size' | 'blob_key' | 'width' | 'height' | 'duration_ms' | 'thumb_key' | 'thumb_width' | 'thumb_height' | 'preview'>;

/**
 * An upload: received to a temp file (hashed, type sniffed, size checked), then, unless the same
 * bytes are already stored, cleaned (images, video and audio lose their metadata), thumbnailed
 * and put in the BlobStore under a key derived from the hash. Every upload gets its own media record.
 */
export async function uploadMedia(ctx: Context, caller: Caller, source: Readable, declared: Declared): Promise<MediaFile> {
  const { config } = ctx;
  const tmpDir = uploadTempDir(config);
  const limits = { maxBytes: (kind: MediaKind) => (kind === 'video' ? config.mediaVideoMaxBytes : config.mediaMaxBytes) };
  const received = await receiveUpload(source, declared, tmpDir, limits);
  try {
    const derived = (await reuseStored(ctx, received.sha256)) ?? (await deriveAndStore(ctx, received, tmpDir));
    const row: MediaRow = {
      id: newId(),
      uploader_id: caller.userId,
      sha256: received.sha256,
      name: cleanName(declared.filename),
      created_at: Date.now(),
      ...derived,
    };
    await ctx.contentLocks.run(received.sha256, async (db) => {
      // Bytes an earlier upload stored may be gone (a sweep, a failed put), and a sweep may have
      // deleted these since they were found or stored (ContentLocks): then they are stored again.
      if (!(await bytesStored(ctx, row))) Object.assign(row, await deriveAndStore(ctx, received, tmpDir));
      await db.insertInto('media').values(row).execute();
    });
    return presentMedia(ctx.mediaUrls, row);
  } finally {
    await fs.promises.rm(received.path, { force: true });
  }
}

/** What an earlier upload of the same bytes worked out; whether its bytes are still stored is checked under the lock. */
async function reuseStored(ctx: Context, sha256: string): Promise<Derived | undefined> {
  const row = await ctx.store.db.selectFrom('media').selectAll().where('sha256', '=', sha256).limit(1).executeTakeFirst();
  if (!row) return undefined;
  const { kind, mime, size, blob_key, width, height, duration_ms, thumb_key, thumb_width, thumb_height, preview } = row;
  return { kind, mime, size, blob_key, width, height, duration_ms, thumb_key, thumb_width, thumb_height, preview };
}

async function bytesStored(ctx: Context, row: Pick<MediaRow, 'blob_key' | 'thumb_key'>): Promise<boolean> {
  return (await ctx.blobs.has(row.blob_key)) && (!row.thumb_key || (await ctx.blobs.has(row.thumb_key)));
}

async function deriveAndStore(ctx: Context, received: Received, tmpDir: string): Promise<Derived> {
  const blobKey = `${received.sha256.slice(0, 2)}/${received.sha256}`;
  const thumbKey = `${blobKey}.thumb.webp`;
  const derived: Derived = {
    kind: received.kind, mime: received.mime, size: received.size, blob_key: blobKey,
    width: null, height: null, duration_ms: null, thumb_key: null, thumb_width: null, thumb_height: null, preview: null,
  };
  const cleanPath = path.join(tmpDir, `${newId()}.clean`);
  const thumbPath = path.join(tmpDir, `${newId()}.thumb`);
  try {
    let storedPath = received.path;
    if (received.kind === 'image') {
      const image = await deriveImage(received.path, received.mime, cleanPath, thumbPath);
      storedPath = cleanPath;
      derived.size = (await fs.promises.stat(cleanPath)).size;
      Object.assign(derived, { width: image.width, height: image.height, thumb_key: thumbKey, thumb_width: image.thumb.width, thumb_height: image.thumb.height, preview: image.preview });
    } else if (received.kind === 'video' || received.kind === 'audio') {
      if (await stripAvMetadata(received.path, received.mime, received.kind, cleanPath)) {
        storedPath = cleanPath;
        derived.size = (await fs.promises.stat(cleanPath)).size;
      } else if (ffmpegAvailable()) {
        ctx.log.warn({ mime: received.mime }, 'ffmpeg could not rewrite an upload without its metadata; stored as received');
      }
      const av = await deriveVideo(storedPath, thumbPath);
      if (av) {
        derived.duration_ms = av.durationMs ?? null;
        // A WebM or MP4 with no picture is sound: a browser's voice note, say.
        if (received.kind === 'video' && !av.hasVideo && AUDIO_CAPABLE.has(received.mime)) derived.kind = 'audio';
        if (av.width && av.height) Object.assign(derived, { width: av.width, height: av.height });
        if (av.poster) Object.assign(derived, { thumb_key: thumbKey, thumb_width: av.poster.width, thumb_height: av.poster.height, preview: av.poster.preview });
      }
    }
    if (derived.thumb_key) await ctx.blobs.putFile(thumbKey, thumbPath, 'image/webp');
    // The content last: a stored blob is what marks these bytes as done for later uploads.
    await ctx.blobs.putFile(blobKey, storedPath, derived.mime);
    return derived;
  } finally {
    await fs.promises.rm(cleanPath, { force: true });
    await fs.promises.rm(thumbPath, { force: true });
  }
}

/** The file name as shown and offered for download: no path, no control characters, bounded. */
function cleanName(filename: string | undefined): string | null {
  const base = (filename ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return base ? base.slice(0, 255) : null;
}
