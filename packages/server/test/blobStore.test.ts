import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import S3rver from 's3rver';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../src/media/BlobStore.js';
import { DiskBlobStore } from '../src/media/DiskBlobStore.js';
import { S3BlobStore } from '../src/media/S3BlobStore.js';

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const fileWith = (content: string): string => {
  const file = path.join(tmp('parley-blob-src-'), 'f');
  fs.writeFileSync(file, content);
  return file;
};

/** One contract, every adapter of the BlobStore port. */
function blobStoreContract(name: string, open: () => Promise<{ store: BlobStore; close(): Promise<void> }>) {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    let close: () => Promise<void>;
    beforeAll(async () => ({ store, close } = await open()));
    afterAll(() => close());

    it('stores a file under a key, consuming the file, and reads it back whole or by range', async () => {
      const src = fileWith('0123456789abcdef');
      await store.putFile('ab/abcdef', src, 'text/plain');
      expect(fs.existsSync(src)).toBe(false);
      expect(await store.has('ab/abcdef')).toBe(true);
      expect(await text(await store.read('ab/abcdef'))).toBe('0123456789abcdef');
      expect(await text(await store.read('ab/abcdef', { start: 3, end: 6 }))).toBe('3456');
      expect(await text(await store.read('ab/abcdef', { start: 15, end: 15 }))).toBe('f');
    });

    it('writing a key again replaces it with the same bytes, and deleting removes it', async () => {
      await store.putFile('cd/cdef', fileWith('same'), 'text/plain');
      await store.putFile('cd/cdef', fileWith('same'), 'text/plain');
      expect(await text(await store.read('cd/cdef'))).toBe('same');
      await store.delete('cd/cdef');
      expect(await store.has('cd/cdef')).toBe(false);
      await store.delete('cd/cdef'); // deleting what is gone is fine
    });

    it('reading a missing key is not_found', async () => {
      expect(await store.has('ee/missing')).toBe(false);
      await expect(store.read('ee/missing')).rejects.toMatchObject({ code: 'not_found' });
    });
  });
}

blobStoreContract('disk', async () => {
  const store = new DiskBlobStore(tmp('parley-blobs-'));
  return { store, close: () => store.close() };
});

blobStoreContract('S3 (s3rver)', async () => {
  const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: tmp('parley-s3rver-') });
  const { port } = await s3rver.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  await admin.send(new CreateBucketCommand({ Bucket: 'parley-contract' }));
  admin.destroy();
  const store = new S3BlobStore({ endpoint, bucket: 'parley-contract', region: 'us-east-1', forcePathStyle: true, ...credentials });
  return { store, close: async () => (await store.close(), await s3rver.close()) };
});
