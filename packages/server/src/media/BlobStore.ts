import type { Readable } from 'node:stream';

/** Bytes `start` to `end` of a blob, both inclusive (as in an HTTP Range). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where media bytes live: a folder under DATA_DIR (DiskBlobStore) or an S3-compatible bucket
 * (S3BlobStore). Keys are content-derived, so writing the same key twice writes the same bytes.
 * One contract suite (test/blobStore.test.ts) runs against both.
 */
export interface BlobStore {
  readonly kind: 'disk' | 's3';
  /** Stores the local file at `filePath` under `key`; the file is consumed (moved or uploaded, then removed). */
  putFile(key: string, filePath: string, contentType: string): Promise<void>;
  has(key: string): Promise<boolean>;
  /** A stream of the blob, or of `range` of it. The caller knows the size from the media record. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
