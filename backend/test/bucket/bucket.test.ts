import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bucket } from '../../src/store/bucket/bucket.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { openBucket } from '../../src/store/bucket/open-bucket.js';
import { S3Bucket } from '../../src/store/bucket/s3-bucket.js';
import { startS3rver, type TestS3 } from './s3rver-server.js';

interface Harness {
  bucket: Bucket;
  dataDir: string;
  dispose(): Promise<void>;
}

async function openDir(): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-bucket-'));
  const bucket = openBucket({ dataDir, bucketUrl: undefined });
  return {
    bucket,
    dataDir,
    async dispose() {
      await bucket.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function openS3(): Promise<Harness> {
  const s3: TestS3 = await startS3rver();
  const bucket = openBucket({ dataDir: '/nonexistent', bucketUrl: s3.bucketUrl, bucketCredentials: s3.credentials });
  return {
    bucket,
    dataDir: '',
    async dispose() {
      await bucket.close();
      await s3.stop();
    },
  };
}

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const k of it) out.push(k);
  return out;
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

describe.each([
  ['dir', openDir],
  ['s3', openS3],
] as const)('%s bucket', (kind, open) => {
  let h: Harness;
  beforeAll(async () => {
    h = await open();
  });
  afterAll(async () => {
    await h.dispose();
  });

  it('chooses the right driver', () => {
    expect(h.bucket).toBeInstanceOf(kind === 'dir' ? DirBucket : S3Bucket);
  });

  it('puts, gets and overwrites objects', async () => {
    await h.bucket.put('a/b/c.txt', bytes('one'));
    expect(text(await h.bucket.get('a/b/c.txt'))).toBe('one');
    await h.bucket.put('a/b/c.txt', bytes('two'), { contentType: 'text/plain' });
    expect(text(await h.bucket.get('a/b/c.txt'))).toBe('two');
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    await h.bucket.put('big/object.bin', big);
    expect(Buffer.from((await h.bucket.get('big/object.bin')) ?? []).equals(Buffer.from(big))).toBe(true);
  });

  it('answers undefined for a missing key, and deleting a missing key is not an error', async () => {
    expect(await h.bucket.get('missing/key.gz')).toBeUndefined();
    await expect(h.bucket.delete('missing/key.gz')).resolves.toBeUndefined();
  });

  it('lists keys under a prefix in lexicographic order, across pages', async () => {
    const keys = ['l/x/2.gz', 'l/x/10.gz', 'l/x.b', 'l/x-a/1', 'l/y/1.gz', 'l/x/sub/3.gz', 'other/1'];
    for (const k of keys) await h.bucket.put(k, bytes(k));
    // S3 sorts keys by their bytes, and so does the directory driver; s3rver lists in its own
    // file-walk order, so against it only the set is compared.
    const ordered = async (prefix: string) => {
      const got = await collect(h.bucket.list(prefix));
      return kind === 'dir' ? got : got.sort();
    };
    expect(await ordered('l/')).toEqual(['l/x-a/1', 'l/x.b', 'l/x/10.gz', 'l/x/2.gz', 'l/x/sub/3.gz', 'l/y/1.gz']);
    expect(await ordered('l/x/')).toEqual(['l/x/10.gz', 'l/x/2.gz', 'l/x/sub/3.gz']);
    expect(await ordered('l/x')).toEqual(['l/x-a/1', 'l/x.b', 'l/x/10.gz', 'l/x/2.gz', 'l/x/sub/3.gz']);
    expect(await collect(h.bucket.list('nothing/'))).toEqual([]);
  });

  it('lists more than one S3 page (1,000 keys) and deletes them by prefix in batches', async () => {
    const keys = Array.from({ length: 1203 }, (_, i) => `many/${String(i).padStart(5, '0')}`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((k) => h.bucket.put(k, bytes('x'))));
    }
    expect(await collect(h.bucket.list('many/'))).toEqual(keys);
    await h.bucket.deletePrefix('many/');
    expect(await collect(h.bucket.list('many/'))).toEqual([]);
  }, 120_000);

  it('deletes one key and a prefix, leaving the rest', async () => {
    await h.bucket.put('d/p1/a', bytes('a'));
    await h.bucket.put('d/p1/b/c', bytes('c'));
    await h.bucket.put('d/p10/a', bytes('a'));
    await h.bucket.put('d/p2/a', bytes('a'));
    await h.bucket.delete('d/p2/a');
    expect(await h.bucket.get('d/p2/a')).toBeUndefined();
    await h.bucket.deletePrefix('d/p1/');
    expect(await collect(h.bucket.list('d/'))).toEqual(['d/p10/a']);
  });

  it('pings', async () => {
    await expect(h.bucket.ping()).resolves.toBeUndefined();
  });

  it.each(['../x', '/abs', 'a//b', 'a/./b', 'a/../b', 'a\0b', '', 'a\\b', '.hidden'])(
    'rejects the unsafe key %j on every operation',
    async (key) => {
      await expect(h.bucket.put(key, bytes('x'))).rejects.toThrow(/unsafe bucket key/);
      await expect(h.bucket.get(key)).rejects.toThrow(/unsafe bucket key/);
      await expect(h.bucket.delete(key)).rejects.toThrow(/unsafe bucket key/);
      if (key !== '') await expect(collect(h.bucket.list(key))).rejects.toThrow(/unsafe bucket key/);
    },
  );

  if (kind === 'dir') {
    it('keeps objects as files under <dataDir>/bucket and leaves no temp files behind', async () => {
      await Promise.all(Array.from({ length: 40 }, (_, i) => h.bucket.put(`t/${i % 3}/obj-${i}`, bytes(`v${i}`))));
      const root = join(h.dataDir, 'bucket');
      expect(statSync(join(root, 't/1/obj-4')).isFile()).toBe(true);
      const all = readdirSync(root, { recursive: true }).map(String);
      expect(all.filter((f) => f.split('/').some((s) => s.startsWith('.')))).toEqual([]);
    });

    it('fails ping when the root cannot be created', async () => {
      // A data "directory" that is a file: the bucket root under it can never be made.
      const file = join(h.dataDir, 'not-a-dir');
      writeFileSync(file, 'x');
      await expect(new DirBucket(file).ping()).rejects.toThrow(/ENOTDIR|EEXIST/);
    });
  }
});

describe('openBucket', () => {
  it('reads the bucket, endpoint and region from BUCKET_URL', async () => {
    const { parseBucketUrl } = await import('../../src/store/bucket/s3-bucket.js');
    expect(parseBucketUrl('s3://logs?endpoint=http://127.0.0.1:9000&region=eu-west-1')).toEqual({
      bucket: 'logs',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
    });
    expect(parseBucketUrl('s3://logs').region).toBe('us-east-1');
  });
});
