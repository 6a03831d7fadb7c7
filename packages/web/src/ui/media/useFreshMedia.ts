import { useCallback, useEffect, useRef, useState } from 'react';
import type { MediaFile } from '@parley/protocol';
import { useStore } from '../../state/useApp.js';

/** Fresh URLs are asked for at most this often per file, so a file that really fails cannot loop. */
const RETRY_GAP_MS = 10_000;

/**
 * A message's media with URLs that work: signed URLs expire (MEDIA_URL_TTL_SEC), so a message
 * kept longer gets new ones from `GET /media/{id}`, at once when they are past `urlExpiresAt`,
 * or when an <img>/<video> fails to load (`refresh` as its error handler).
 */
export function useFreshMedia(media: MediaFile): { media: MediaFile; version: number; refresh(): void } {
  const store = useStore();
  const [fresh, setFresh] = useState(media);
  // Bumped on each renewal: used as a key, it makes the element load again even when the
  // new URL happens to equal the old one (URLs are rounded to the minute).
  const [version, setVersion] = useState(0);
  const lastTry = useRef(0);
  useEffect(() => setFresh((old) => (old.id === media.id && old.urlExpiresAt > media.urlExpiresAt ? old : media)), [media]);

  const refresh = useCallback(() => {
    if (Date.now() - lastTry.current < RETRY_GAP_MS) return;
    lastTry.current = Date.now();
    store.client.media(media.id).then((m) => (setFresh(m), setVersion((v) => v + 1)), () => {});
  }, [store, media.id]);

  useEffect(() => {
    if (Date.parse(fresh.urlExpiresAt) <= Date.now()) refresh();
  }, [fresh.urlExpiresAt, refresh]);
  return { media: fresh, version, refresh };
}
