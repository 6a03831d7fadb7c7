import { fileTypeFromBuffer } from 'file-type';
import type { MediaKind } from '@parley/protocol';
import { invalid } from '../errors.js';

/** What may be uploaded, by the type sniffed from the bytes. Anything else is refused. */
const ALLOWED: Record<string, MediaKind> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'image',
  'image/gif': 'image',
  'video/mp4': 'video',
  'video/webm': 'video',
  'video/quicktime': 'video',
  'audio/mpeg': 'audio',
  'audio/ogg': 'audio',
  'audio/ogg; codecs=opus': 'audio',
  'audio/mp4': 'audio',
  'audio/x-m4a': 'audio',
  'audio/aac': 'audio',
  'audio/wav': 'audio',
  'audio/flac': 'audio',
  'application/pdf': 'file',
  'application/zip': 'file',
  'application/gzip': 'file',
  'application/x-tar': 'file',
  'application/x-7z-compressed': 'file',
  'application/rtf': 'file',
  'application/epub+zip': 'file',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'file',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'file',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'file',
  'application/vnd.oasis.opendocument.text': 'file',
  'application/vnd.oasis.opendocument.spreadsheet': 'file',
  'application/vnd.oasis.opendocument.presentation': 'file',
};

/** Containers that may hold sound only (a browser's voice note is often WebM or MP4). */
export const AUDIO_CAPABLE = new Set(['video/webm', 'video/mp4', 'video/quicktime', 'audio/ogg', 'audio/mp4']);

/** Plain text has no signature: accepted only when the bytes look like text and the client also says text. */
const TEXT_NAMES = /\.(txt|md|csv|log)$/i;
const TEXT_TYPES = new Set(['text/plain', 'text/markdown', 'text/csv']);

export interface Declared {
  filename?: string;
  mimetype?: string;
}

/** How many leading bytes are sniffed (more than file-type needs, so zip-based documents are recognised). */
export const SNIFF_BYTES = 64 * 1024;

/** The type and kind of an upload from its first bytes; `invalid_request` when it is not allowed. */
export async function sniffMediaType(head: Buffer, declared: Declared): Promise<{ mime: string; kind: MediaKind }> {
  const found = await fileTypeFromBuffer(head);
  if (found) {
    const kind = ALLOWED[found.mime];
    if (!kind) throw invalid(`file: type ${found.mime} is not allowed`);
    return { mime: found.mime.split(';')[0]!, kind };
  }
  const saysText = TEXT_NAMES.test(declared.filename ?? '') || TEXT_TYPES.has((declared.mimetype ?? '').split(';')[0]!.trim());
  if (saysText && looksLikeText(head)) return { mime: 'text/plain', kind: 'file' };
  throw invalid('file: the content is not of an allowed type (images, video, audio, documents)');
}

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  // A multi-byte character may be cut at the end of the head; only the rest must decode.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  return !text.slice(0, -1).includes('\uFFFD');
}
