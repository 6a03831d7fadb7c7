import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type { MediaKind } from '@parley/protocol';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { SNIFF_BYTES, sniffMediaType, type Declared } from './sniffMediaType.js';

export interface Received {
  /** The temp file holding the bytes; the caller moves or removes it. */
  path: string;
  size: number;
  sha256: string;
  mime: string;
  kind: MediaKind;
}

export interface UploadLimits {
  /** Bytes allowed for a kind. */
  maxBytes(kind: MediaKind): number;
}

/**
 * Streams an upload to a temp file while hashing it, never holding more than the sniffed head
 * and one chunk in memory. The type comes from the first bytes (400 if not allowed); the size is
 * checked against that type's limit as the bytes arrive (413 as soon as it is passed).
 */
export async function receiveUpload(source: Readable, declared: Declared, tmpDir: string, limits: UploadLimits): Promise<Received> {
  await fs.promises.mkdir(tmpDir, { recursive: true });
  const file = path.join(tmpDir, `${newId()}.upload`);
  const out = fs.createWriteStream(file);
  // A failed write (disk full) ends the read loop below with that error.
  out.on('error', (err) => source.destroy(err));
  const hash = crypto.createHash('sha256');
  const headChunks: Buffer[] = [];
  let headSize = 0;
  let size = 0;
  let type: { mime: string; kind: MediaKind } | undefined;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      hash.update(chunk);
      if (!type) {
        headChunks.push(chunk);
        headSize += chunk.length;
        if (headSize >= SNIFF_BYTES) type = await sniffMediaType(Buffer.concat(headChunks), declared);
      }
      if (type) checkSize(size, type.kind, limits);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    type ??= await sniffMediaType(Buffer.concat(headChunks), declared);
    checkSize(size, type.kind, limits);
    out.end();
    await once(out, 'close');
    return { path: file, size, sha256: hash.digest('hex'), ...type };
  } catch (err) {
    out.destroy();
    await fs.promises.rm(file, { force: true });
    throw err;
  }
}

function checkSize(size: number, kind: MediaKind, limits: UploadLimits): void {
  const max = limits.maxBytes(kind);
  if (size > max) throw new AppError('payload_too_large', `file: ${kind} uploads are limited to ${max} bytes`);
}
