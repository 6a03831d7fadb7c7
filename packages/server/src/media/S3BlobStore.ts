import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../config.js';
import { notFound } from '../errors.js';
import type { BlobStore, ByteRange } from './BlobStore.js';

const isMissing = (err: unknown): boolean => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

/**
 * Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage, R2, …). Uploads stream from
 * the received temp file with a known length, so nothing is held in memory. Checksums are only
 * sent when the service requires them: many S3-compatible stores reject the SDK's newer
 * default (aws-chunked trailers).
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  private readonly s3: S3Client;

  constructor(private readonly config: S3Config) {
    this.s3 = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: config.accessKeyId && config.secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } : undefined,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async putFile(key: string, filePath: string, contentType: string): Promise<void> {
    const { size } = await fs.promises.stat(filePath);
    await this.s3.send(new PutObjectCommand({
      Bucket: this.config.bucket,
      Key: key,
      Body: fs.createReadStream(filePath),
      ContentLength: size,
      ContentType: contentType,
    }));
    await fs.promises.rm(filePath, { force: true });
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const res = await this.s3.send(new GetObjectCommand({
        Bucket: this.config.bucket,
        Key: key,
        Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      }));
      return res.Body as Readable;
    } catch (err) {
      if (isMissing(err)) throw notFound('media content');
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
  }

  async close(): Promise<void> {
    this.s3.destroy();
  }
}
