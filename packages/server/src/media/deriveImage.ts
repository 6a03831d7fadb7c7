import sharp from 'sharp';
import { AppError, invalid } from '../errors.js';

/** Decompression bombs: a few KB of PNG can claim billions of pixels. */
const MAX_PIXELS = 100_000_000;
export const THUMB_MAX = 320;
const PREVIEW_MAX = 16;

export interface DerivedImage {
  width: number;
  height: number;
  thumb: { width: number; height: number };
  /** `data:image/webp;base64,…`, at most 16 px on a side. */
  preview: string;
}

/**
 * Re-encodes an uploaded image without its metadata (EXIF, GPS, XMP, comments): the pixels are
 * first turned upright by the EXIF orientation, so nothing is lost by dropping the tag. Writes
 * the clean image to `cleanPath` and a small WebP thumbnail to `thumbPath`.
 */
export async function deriveImage(sourcePath: string, mime: string, cleanPath: string, thumbPath: string): Promise<DerivedImage> {
  const animated = mime === 'image/gif' || mime === 'image/webp';
  let clean = sharp(sourcePath, { animated, limitInputPixels: MAX_PIXELS }).rotate();
  if (mime === 'image/jpeg') clean = clean.jpeg({ quality: 90 });
  else if (mime === 'image/png') clean = clean.png();
  else if (mime === 'image/webp') clean = clean.webp({ quality: 90 });
  else clean = clean.gif();
  try {
    await clean.toFile(cleanPath);
  } catch (err) {
    const message = (err as Error).message ?? '';
    if (/pixel limit/i.test(message)) throw new AppError('payload_too_large', `file: images are limited to ${MAX_PIXELS} pixels`);
    throw invalid('file: the image could not be read');
  }
  const meta = await sharp(cleanPath).metadata();
  const thumb = await sharp(cleanPath).resize(THUMB_MAX, THUMB_MAX, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 70 }).toFile(thumbPath);
  return {
    width: meta.width,
    height: meta.pageHeight ?? meta.height,
    thumb: { width: thumb.width, height: thumb.height },
    preview: await previewOf(cleanPath),
  };
}

/** A tiny WebP of an image (a file or bytes), for a blurred placeholder inline in the message. */
export async function previewOf(input: string | Buffer): Promise<string> {
  const bytes = await sharp(input).resize(PREVIEW_MAX, PREVIEW_MAX, { fit: 'inside' }).webp({ quality: 40 }).toBuffer();
  return `data:image/webp;base64,${bytes.toString('base64')}`;
}
