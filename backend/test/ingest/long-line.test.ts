import { gzipSync } from 'node:zlib';
import { TRUNCATED_ATTRIBUTE } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/services/ingest/line-splitter.js';
import { LongLineReader } from '../../src/services/ingest/long-line.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { chunksOf } from './chunks.js';
import { call, createTenant, storedRecords, type Tenant } from './ingest-fixture.js';

// Issue #18: an NDJSON line over the line limit kept only its first bytes and was stored as text,
// its level, time and fields lost.

describe('LongLineReader', () => {
  const read = (line: string, field: number, total = 1 << 20, chunk = 5): unknown => {
    const reader = new LongLineReader(field, total);
    for (const c of chunksOf(Buffer.from(line), chunk)) reader.push(c, 0, c.length);
    const out = reader.finish();
    return out === undefined ? undefined : JSON.parse(out);
  };

  it('keeps short fields whole, cuts a long string with the marker and replaces a long object', () => {
    const line = JSON.stringify({
      level: 30,
      time: 1764064800000,
      msg: `start ${'x'.repeat(100)}`,
      nested: { a: [1, 2, { b: '}' }], big: 'y'.repeat(100) },
      esc: 'a\\"b',
      n: null,
    });
    expect(read(line, 40)).toEqual({
      level: 30,
      time: 1764064800000,
      msg: `start ${'x'.repeat(33)}…[truncated ${108 - 40} bytes]`,
      nested: expect.stringMatching(/^…\[truncated \d+ bytes\]$/),
      esc: 'a\\"b',
      n: null,
      [TRUNCATED_ATTRIBUTE]: true,
    });
  });

  it('never ends a cut string inside an escape, and an endless string line still parses', () => {
    const out = read(`{"msg":"${'\\\\'.repeat(50)}`, 9) as { msg: string };
    expect(out.msg).toMatch(/^\\+…\[truncated \d+ bytes\]$/);
    expect(read('not an object', 10)).toBeUndefined();
  });
});

describe('over-long NDJSON lines through POST /api/ingest', () => {
  let t: TestApp;
  let a: Tenant;
  beforeAll(async () => {
    t = await startTestApp({ env: { CLOUDSAGE_INGEST_WORKERS: '1' } });
    a = await createTenant(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores a 5 MB pino record as a record: level, time, msg start and other fields kept, flagged', async () => {
    const time = Date.UTC(2026, 10, 25, 12);
    const big = JSON.stringify({ level: 50, time, pid: 7, msg: `boom ${'z'.repeat(5_000_000)}`, reqId: 'r-1' });
    const res = await call(t.url, 'POST', '/api/ingest', {
      headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip', 'x-cloudsage-key': a.key },
      body: gzipSync(`${big}\n{"level":30,"msg":"after"}\n`),
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 0 });
    const [first, second] = await storedRecords(t.app, a.projectId);
    expect(first?.level).toBe('error');
    expect(first?.time).toBe(new Date(time).toISOString());
    expect(first?.msg.startsWith('boom zzz')).toBe(true);
    expect(first?.msg.length).toBeLessThan(300 * 1024);
    expect(first?.attributes).toMatchObject({ pid: 7, reqId: 'r-1', [TRUNCATED_ATTRIBUTE]: true });
    expect(second?.msg).toBe('after');
  });

  it('an endless one-line gzip bomb is one bounded record', () => {
    const seen: string[] = [];
    const splitter = new LineSplitter(10, 1 << 20, (l) => seen.push(l), 256 * 1024);
    splitter.push(Buffer.from('{"level":30,"msg":"'));
    const zeros = Buffer.alloc(1 << 20, 0x30);
    for (let i = 0; i < 64; i++) splitter.push(zeros);
    splitter.end();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.length).toBeLessThan(300 * 1024);
    expect(JSON.parse(seen[0] as string)).toMatchObject({ level: 30, [TRUNCATED_ATTRIBUTE]: true });
  });
});
