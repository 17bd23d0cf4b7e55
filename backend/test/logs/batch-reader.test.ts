import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBatchText, readBatchObject, SkippedTally } from '../../src/services/logs/batch-reader.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';

const gzipAsync = promisify(gzip);
const line = (i: number, level = 'info') =>
  JSON.stringify({ time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), level, msg: `m${i}` });

describe('parseBatchText', () => {
  it('skips and counts torn and foreign lines, keeping each record at the index of its line', () => {
    const text = [
      line(0),
      line(1).slice(0, 25), // torn mid-write
      line(2, 'error'),
      '', // an empty line is no record either
      '42',
      '["a"]',
      JSON.stringify({ time: '2026-01-01T00:00:00Z', level: 'constructor', msg: 'inherited key is no level' }),
      JSON.stringify({ time: '2026-01-01T00:00:00Z', level: 'info' }), // no msg
      line(8),
    ].join('\n');
    const parsed = parseBatchText(`${text}\n`);
    expect(parsed.records.map((r) => [r.index, r.record.msg])).toEqual([
      [0, 'm0'],
      [2, 'm2'],
      [8, 'm8'],
    ]);
    expect(parsed.skippedLines).toBe(6);
  });

  it('reads a last line without its newline, and no line after a final newline', () => {
    expect(parseBatchText(`${line(0)}\n${line(1)}`).records.map((r) => r.index)).toEqual([0, 1]);
    expect(parseBatchText(`${line(0)}\n`)).toEqual({
      records: [expect.objectContaining({ index: 0 })],
      skippedLines: 0,
    });
    expect(parseBatchText('')).toEqual({ records: [], skippedLines: 0 });
  });
});

describe('readBatchObject', () => {
  let dir: string;
  let bucket: DirBucket;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cs-batch-reader-'));
    bucket = new DirBucket(dir);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers read, missing or unreadable, and a tally counts what a scan left out', async () => {
    await bucket.put('logs/p1/a.ndjson.gz', await gzipAsync(`${line(0)}\n{"ti\n${line(2)}\n`));
    await bucket.put('logs/p1/b.ndjson.gz', Buffer.from('not gzip at all'));
    const read = await readBatchObject(bucket, 'logs/p1/a.ndjson.gz');
    expect(read).toMatchObject({ status: 'read', skippedLines: 1 });
    expect(await readBatchObject(bucket, 'logs/p1/gone.ndjson.gz')).toEqual({ status: 'missing' });
    const unreadable = await readBatchObject(bucket, 'logs/p1/b.ndjson.gz');
    expect(unreadable).toMatchObject({ status: 'unreadable', error: expect.stringContaining('logs/p1/b.ndjson.gz') });

    const tally = new SkippedTally();
    expect(tally.recordsOf(read).map((r) => r.index)).toEqual([0, 2]);
    expect(tally.recordsOf(unreadable)).toEqual([]);
    expect(tally.recordsOf({ status: 'missing' })).toEqual([]);
    const told: unknown[] = [];
    tally.report((s) => told.push(s));
    new SkippedTally().report((s) => told.push(s));
    expect(told).toEqual([{ lines: 1, unreadableObjects: 1 }]);
  });
});
