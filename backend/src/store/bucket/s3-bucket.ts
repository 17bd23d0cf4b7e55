import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { assertSafeKey, type Bucket } from './bucket.js';

/** Where an S3 bucket lives, parsed from `BUCKET_URL=s3://bucket?endpoint=...&region=...`. */
export interface S3Location {
  bucket: string;
  endpoint: string | undefined;
  region: string;
}

/**
 * Parses `s3://bucket?endpoint=http://host:port&region=us-east-1`; endpoint is optional (AWS).
 *
 * @example
 * parseBucketUrl('s3://logs?endpoint=http://127.0.0.1:9000&region=us-east-1').bucket; // 'logs'
 */
export function parseBucketUrl(url: string): S3Location {
  const parsed = new URL(url);
  if (parsed.protocol !== 's3:' || !parsed.hostname) throw new Error('BUCKET_URL must be s3://bucket?...');
  return {
    bucket: parsed.hostname,
    endpoint: parsed.searchParams.get('endpoint') ?? undefined,
    region: parsed.searchParams.get('region') ?? 'us-east-1',
  };
}

/** Options of the S3 driver: the location and, optionally, static credentials. */
export interface S3BucketOptions extends S3Location {
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Deadline of one request to the store (each of up to three attempts); 15 s by default. */
  requestTimeoutMs?: number;
}

// S3's DeleteObjects takes at most 1,000 keys a call.
const DELETE_BATCH = 1000;

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * The scale-out bucket: any S3-compatible store (AWS S3, MinIO, R2, Vultr) through
 * `@aws-sdk/client-s3` with path-style addressing, which every compatible server understands.
 * A put resolves once S3 acknowledged it, which S3 defines as durable.
 *
 * @example
 * const bucket = new S3Bucket({ ...parseBucketUrl(config.bucketUrl), credentials });
 */
export class S3Bucket implements Bucket {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(options: S3BucketOptions) {
    this.bucket = options.bucket;
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: true,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // Compatible servers (s3rver, older MinIO) reject the SDK's newer default checksum headers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      // Without a deadline a request on a socket the store stopped answering waits forever, and so
      // does the ingest that waits on it; with one it fails into a 503 the client retries. (This SDK
      // only logs a passed requestTimeout unless throwOnRequestTimeout is set.)
      requestHandler: {
        connectionTimeout: 5_000,
        requestTimeout: options.requestTimeoutMs ?? 15_000,
        throwOnRequestTimeout: true,
      },
    });
  }

  async put(key: string, body: Uint8Array, options: { contentType?: string } = {}): Promise<void> {
    assertSafeKey(key);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentLength: body.byteLength,
        ContentType: options.contentType ?? 'application/octet-stream',
      }),
    );
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    assertSafeKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    if (prefix !== '') assertSafeKey(prefix);
    // ListObjects (v1) paged by Marker = the last key seen: standard S3 that every compatible server
    // speaks, whereas s3rver fails to make v2 continuation tokens on Node >= 17 (no DES cipher).
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListObjectsCommand({ Bucket: this.bucket, Prefix: prefix, Marker: startAfter }),
      );
      let last: string | undefined;
      for (const item of page.Contents ?? []) {
        if (!item.Key) continue;
        last = item.Key;
        yield item.Key;
      }
      if (!page.IsTruncated || last === undefined) return;
      startAfter = last;
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    // S3 answers 204 for a missing key too, so deleting twice is not an error.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertSafeKey(prefix);
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const out = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      if (out.Errors && out.Errors.length > 0) {
        throw new Error(`could not delete ${out.Errors.length} objects: ${out.Errors[0]?.Message ?? 'unknown'}`);
      }
      batch = [];
    };
    // Listing resumes after the last key seen, so deleting listed keys skips none.
    for await (const key of this.list(prefix)) {
      batch.push(key);
      if (batch.length === DELETE_BATCH) await flush();
    }
    await flush();
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
