import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';

describe('DirBucket puts', () => {
  let dataDir: string;
  let bucket: DirBucket;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cs-dirbucket-'));
    bucket = new DirBucket(dataDir);
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores every one of many concurrent puts into a few directories, leaving no temp file', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `logs/p1/2026-11-25/${String(i % 3).padStart(2, '0')}/b${i}.gz`);
    await Promise.all(keys.map((key, i) => bucket.put(key, Buffer.from(`body ${i}`))));
    for (const [i, key] of keys.entries()) {
      expect(Buffer.from((await bucket.get(key)) ?? []).toString()).toBe(`body ${i}`);
    }
    const files = readdirSync(join(dataDir, 'bucket'), { recursive: true }).map(String);
    expect(files.filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('makes a directory again when it was deleted after an earlier put made it', async () => {
    await bucket.put('logs/p1/2026-11-25/10/a.gz', Buffer.from('a'));
    await bucket.deletePrefix('logs/p1/');
    await bucket.put('logs/p1/2026-11-25/10/b.gz', Buffer.from('b'));
    expect(await bucket.get('logs/p1/2026-11-25/10/a.gz')).toBeUndefined();
    expect(Buffer.from((await bucket.get('logs/p1/2026-11-25/10/b.gz')) ?? []).toString()).toBe('b');
  });
});
