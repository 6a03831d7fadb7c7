import path from 'node:path';
import type { Config } from '../config.js';
import type { BlobStore } from './BlobStore.js';
import { DiskBlobStore } from './DiskBlobStore.js';
import { S3BlobStore } from './S3BlobStore.js';

/** S3_ENDPOINT + S3_BUCKET select an S3-compatible store; otherwise files under DATA_DIR/media/blobs. */
export function openBlobStore(config: Config): BlobStore {
  if (config.s3) return new S3BlobStore(config.s3);
  return new DiskBlobStore(path.join(config.dataDir, 'media', 'blobs'));
}

/** Uploads are received here first (hashed and checked) before they reach the BlobStore. */
export const uploadTempDir = (config: Config): string => path.join(config.dataDir, 'media', 'tmp');
