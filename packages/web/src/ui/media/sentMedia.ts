import type { MediaFile } from '@parley/protocol';

/**
 * Uploads made on this tab, by media id. A message waiting in the outbox carries only
 * `media: {id}`; this lets its bubble show the picture before the server's copy arrives.
 */
const uploads = new Map<string, MediaFile>();

export function rememberUpload(media: MediaFile): void {
  uploads.set(media.id, media);
}

export function uploadedMedia(id: string): MediaFile | undefined {
  return uploads.get(id);
}
