import { join } from 'node:path';
import type { LogRecord } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor } from '../../src/services/logs/logs-cursor.js';
import { type LogsQuery, queryLogs, type SearchPage } from '../../src/services/logs/logs-query.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { call, expectError, manualClock, newKey, newProject, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';

const T0 = Date.parse('2026-11-24T10:00:00.000Z');
const BATCHES = 10;
const PER_BATCH = 20;

// One batch a minute, apart in time, so a page that stops early moves on from where it stopped.
function batchRecords(b: number): LogRecord[] {
  return Array.from({ length: PER_BATCH }, (_, j) => ({
    time: new Date(T0 + b * 60_000 + j * 100).toISOString(),
    level: 'info',
    msg: `batch ${b} record ${j} ${'x'.repeat(200)}`,
  }));
}

describe('logs search budget', () => {
  let t: TestApp;
  let projectId: string;
  let readKey: string;
  let bucket: DirBucket;
  const clock = manualClock();

  beforeAll(async () => {
    t = await startTestApp({
      now: clock.now,
      env: {
        CLOUDSAGE_INGEST_WORKERS: '0',
        // Two batches' bytes: a page reads at most three objects (the check runs before each read).
        CLOUDSAGE_SEARCH_BUDGET_BYTES: String(2 * PER_BATCH * 200),
        CLOUDSAGE_SEARCH_RATE_PER_MIN: '1000',
        CLOUDSAGE_INGEST_RATE_PER_MIN: '0',
      },
    });
    const owner = await signUp(t.url);
    projectId = await newProject(t.url, owner);
    const { key } = await newKey(t.url, owner, projectId, ['ingest']);
    readKey = (await newKey(t.url, owner, projectId, ['read'])).key;
    for (let b = 0; b < BATCHES; b++) {
      const r = await call(t.url, 'POST', '/api/ingest', {
        auth: { key },
        raw: `${batchRecords(b)
          .map((x) => JSON.stringify(x))
          .join('\n')}\n`,
        contentType: 'application/x-ndjson',
      });
      expect(r.status).toBe(202);
    }
    bucket = new DirBucket(join(t.sql.dataDir, 'bucket'));
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A clock that moves 1 s each time the budget reads it. */
  function tickingClock(): () => number {
    let ms = 0;
    return () => {
      ms += 1000;
      return ms;
    };
  }

  async function everyPage(query: Omit<LogsQuery, 'cursor'>): Promise<SearchPage[]> {
    const pages: SearchPage[] = [];
    let cursor: string | null = null;
    for (let n = 0; n < 100; n++) {
      const page = await queryLogs(t.sql.store.db, bucket, projectId, {
        ...query,
        cursor: cursor ? decodeCursor(cursor) : undefined,
      });
      pages.push(page);
      if (!page.nextCursor) return pages;
      cursor = page.nextCursor;
    }
    throw new Error('paging made no progress in 100 pages');
  }

  it('stops a search at its time budget with a partial page and a cursor that pages to the end', async () => {
    const first = await queryLogs(t.sql.store.db, bucket, projectId, {
      q: '-record', // matches nothing, and no text filter can rule a batch out
      limit: 10,
      budget: { maxMs: 2500, maxBytes: Number.MAX_SAFE_INTEGER, now: tickingClock() },
    });
    expect(first.logs).toEqual([]);
    expect(first.partial).toEqual({ budget: 'time' });
    expect(first.nextCursor).toEqual(expect.any(String));

    // Each page's clock restarts; paging still covers every batch once and ends.
    const pages = await everyPage({
      q: '"record 7 "', // a phrase: bare words are ANDed
      limit: 100,
      budget: { maxMs: 2500, maxBytes: Number.MAX_SAFE_INTEGER, now: tickingClock() },
    });
    const found = pages.flatMap((p) => p.logs.map((r) => r.msg.slice(0, 18)));
    expect(found).toEqual(Array.from({ length: BATCHES }, (_, i) => `batch ${BATCHES - 1 - i} record 7 x`));
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.at(-1)?.nextCursor).toBeNull();
  });

  it('without a budget the same search reads everything in one page', async () => {
    const page = await queryLogs(t.sql.store.db, bucket, projectId, { q: '-record', limit: 10 });
    expect(page).toEqual({ logs: [], nextCursor: null });
  });

  it('answers a search over its byte budget at once, with partial, a cursor and /metrics counts', async () => {
    const path = `/api/projects/${projectId}/logs?q=${encodeURIComponent('-record')}`;
    const r = await call(t.url, 'GET', path, { auth: { key: readKey } });
    expect(r.status).toBe(200);
    expect(r.body.logs).toEqual([]);
    expect(r.body.partial).toEqual({ budget: 'bytes' });
    expect(r.body.nextCursor).toEqual(expect.any(String));
    const next = await call(t.url, 'GET', `${path}&cursor=${r.body.nextCursor}`, { auth: { key: readKey } });
    expect(next.status).toBe(200);
    expect(next.body.nextCursor).not.toBe(r.body.nextCursor);

    const metrics = (await call(t.url, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/cloudsage_logs_reads_partial_total\{budget="bytes"\} 2/);
    expect(metrics).toMatch(/cloudsage_logs_reads_total\{outcome="partial"\} 2/);
    expect(metrics).toMatch(/cloudsage_logs_scanned_bytes_total \d{4,}/);
  });

  it('a full page is not partial even when the scan stopped at the budget', async () => {
    const r = await call(t.url, 'GET', `/api/projects/${projectId}/logs?limit=5`, { auth: { key: readKey } });
    expect(r.status).toBe(200);
    expect(r.body.logs).toHaveLength(5);
    expect(r.body.partial).toBeUndefined();
  });
});

describe('logs search rate limit', () => {
  let t: TestApp;
  const clock = manualClock(Date.parse('2026-11-25T12:00:10.000Z'));

  beforeAll(async () => {
    t = await startTestApp({ now: clock.now, env: { CLOUDSAGE_SEARCH_RATE_PER_MIN: '3' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 429 rate_limited with Retry-After past the per-key limit; other keys and the next minute go on', async () => {
    const owner = await signUp(t.url);
    const projectId = await newProject(t.url, owner);
    const a = (await newKey(t.url, owner, projectId, ['read'])).key;
    const b = (await newKey(t.url, owner, projectId, ['read'])).key;
    const path = `/api/projects/${projectId}/logs?q=boom`;
    for (let i = 0; i < 3; i++) expect((await call(t.url, 'GET', path, { auth: { key: a } })).status).toBe(200);
    const limited = await call(t.url, 'GET', path, { auth: { key: a } });
    expectError(limited, 429, 'rate_limited');
    expect(limited.headers.get('retry-after')).toBe('50');
    expect((await call(t.url, 'GET', path, { auth: { key: b } })).status).toBe(200);
    expect((await call(t.url, 'GET', '/metrics')).text).toMatch(
      /cloudsage_logs_reads_total\{outcome="rate_limited"\} 1/,
    );

    clock.advance(50_000);
    expect((await call(t.url, 'GET', path, { auth: { key: a } })).status).toBe(200);
  });
});

describe('logs search over batches that all overlap', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: { CLOUDSAGE_INGEST_WORKERS: '0', CLOUDSAGE_SEARCH_BUDGET_BYTES: '200', CLOUDSAGE_INGEST_RATE_PER_MIN: '0' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses with 503 search_budget_exceeded once forced re-reads pass twice the budget, not scanning on', async () => {
    const owner = await signUp(t.url);
    const projectId = await newProject(t.url, owner);
    const { key } = await newKey(t.url, owner, projectId, ['ingest', 'read']);
    // Every batch spans the same hour, so every page must re-read the batches before its cursor.
    for (let b = 0; b < 12; b++) {
      const lines = [T0, T0 + 3_600_000].map((at) =>
        JSON.stringify({ time: new Date(at).toISOString(), level: 'info', msg: `batch ${b} ${'y'.repeat(60)}` }),
      );
      const r = await call(t.url, 'POST', '/api/ingest', {
        auth: { key },
        raw: `${lines.join('\n')}\n`,
        contentType: 'application/x-ndjson',
      });
      expect(r.status).toBe(202);
    }
    const path = `/api/projects/${projectId}/logs?q=-batch`;
    let cursor = '';
    const statuses: number[] = [];
    for (let page = 0; page < 12; page++) {
      const r = await call(t.url, 'GET', `${path}${cursor}`, { auth: { key } });
      statuses.push(r.status);
      if (r.status !== 200) {
        expectError(r, 503, 'search_budget_exceeded');
        expect(r.body.error.details.scannedBytes).toBeLessThan(200 * 2 + 200);
        break;
      }
      expect(r.body.partial).toEqual({ budget: 'bytes' });
      cursor = `&cursor=${r.body.nextCursor}`;
    }
    expect(statuses.at(-1)).toBe(503);
    expect(statuses.length).toBeGreaterThan(1);
  });
});
