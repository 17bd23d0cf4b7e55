import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// s3rver is CommonJS without types; this is the part of its API the tests use.
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

/** A real local S3 server (s3rver) on a free port with one bucket, and its BUCKET_URL. */
export interface TestS3 {
  bucketUrl: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/** Starts s3rver in a temp directory on a free port with the bucket `name`. */
export async function startS3rver(name = 'cloudsage'): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'cs-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name, configs: [] }],
  });
  const address = await server.run();
  return {
    bucketUrl: `s3://${name}?endpoint=http://127.0.0.1:${address.port}&region=us-east-1`,
    // s3rver's fixed development credentials.
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
