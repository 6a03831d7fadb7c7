import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { notFound } from '../errors.js';
import type { BlobStore, ByteRange } from './BlobStore.js';

/**
 * Blobs as files under `root` (DATA_DIR/media/blobs by default). Uploads are received into a
 * temp folder on the same file system, so storing one is a rename: atomic, and a reader never
 * sees a half-written blob.
 */
export class DiskBlobStore implements BlobStore {
  readonly kind = 'disk' as const;

  constructor(private readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
  }

  async putFile(key: string, filePath: string): Promise<void> {
    const target = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    try {
      await fs.promises.rename(filePath, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      // The temp folder is on another device: copy to a temp name beside the target, then rename.
      const beside = `${target}.${process.pid}.${Date.now()}.part`;
      await fs.promises.copyFile(filePath, beside);
      await fs.promises.rename(beside, target);
      await fs.promises.rm(filePath, { force: true });
    }
  }

  async has(key: string): Promise<boolean> {
    return fs.promises.access(this.pathOf(key)).then(() => true, () => false);
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const handle = await fs.promises.open(this.pathOf(key), 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? notFound('media content') : err;
    });
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  async close(): Promise<void> {}

  /** Keys are `xx/sha256…` with hex characters, dots and slashes only; anything else is a bug. */
  private pathOf(key: string): string {
    if (!/^[a-z0-9][a-z0-9./-]*$/.test(key) || key.includes('..')) throw new Error(`bad blob key ${key}`);
    return path.join(this.root, key);
  }
}
