import crypto from 'node:crypto';
import { AppError } from '../errors.js';

export type MediaVariant = 'file' | 'thumb';

/**
 * Signed, expiring media URLs: `/api/v1/media/{id}/{variant}?exp=…&sig=…`, an HMAC of id,
 * variant and expiry under a key derived from the server's token secret. They are handed only to
 * users allowed to see the media (its uploader, members of a chat whose message references it),
 * and work without a bearer token so `<img src>` and `<video src>` can use them. Expiry is rounded
 * up to the minute so URLs handed out close together are equal and the browser caches them.
 */
export class MediaUrls {
  private readonly key: Buffer;

  constructor(secret: string, private readonly ttlSec: number) {
    this.key = crypto.createHmac('sha256', secret).update('parley media urls v1').digest();
  }

  sign(mediaId: string, variant: MediaVariant, nowMs = Date.now()): { url: string; expiresAt: number } {
    // Rounded up, so a URL always works for at least the whole TTL.
    const raw = Math.ceil(nowMs / 1000) + this.ttlSec;
    const exp = this.ttlSec >= 120 ? Math.ceil(raw / 60) * 60 : raw;
    const url = `/api/v1/media/${encodeURIComponent(mediaId)}/${variant}?exp=${exp}&sig=${this.mac(mediaId, variant, exp)}`;
    return { url, expiresAt: exp * 1000 };
  }

  /** Throws `forbidden` for a wrong signature or an expired URL. */
  verify(mediaId: string, variant: MediaVariant, exp: number, sig: string, nowMs = Date.now()): void {
    const expected = Buffer.from(this.mac(mediaId, variant, exp));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
      throw new AppError('forbidden', 'sig: this media link is not valid');
    }
    if (exp * 1000 <= nowMs) throw new AppError('forbidden', 'exp: this media link has expired; GET /media/{id} gives a fresh one');
  }

  private mac(mediaId: string, variant: MediaVariant, exp: number): string {
    return crypto.createHmac('sha256', this.key).update(`${mediaId}\n${variant}\n${exp}`).digest('base64url');
  }
}
