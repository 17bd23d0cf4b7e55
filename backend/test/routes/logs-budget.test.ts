import { join } from 'node:path';
import type { LogRecord } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor } from '../../src/services/logs/logs-cursor.js';
import { type LogsQuery, queryLogs } from '../../src/services/logs/logs-query.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import { call, newKey, newProject, signUp } from './support/client.js';

const T0 = Date.parse('2026-11-24T10:00:00.000Z');
const BATCHES = 12;
const PER_BATCH = 10;

// Every batch spans the same ten minutes (a fleet of services shipping at once), so all batches
// overlap every cursor: the case where a page that reads only a few objects must still move on.
function batchRecords(b: number): LogRecord[] {
  return Array.from({ length: PER_BATCH }, (_, j) => ({
    time: new Date(T0 + j * 60_000 + b * 1000).toISOString(),
    level: (b + j) % 7 === 0 ? 'error' : 'info',
    msg: `batch ${b} record ${j}`,
  }));
}

describe.each(SQL_DIALECTS)('logs pages under a small object budget on %s', (dialect) => {
  let t: TestApp;
  let projectId: string;
  let bucket: DirBucket;
  let all: LogRecord[];

  beforeAll(async () => {
    // Ingest decodes inline (no worker threads), keeping this suite cheap; logs.test.ts reads what the pool writes.
    t = await startTestApp({ dialect, env: { CLOUDSAGE_INGEST_WORKERS: '0' } });
    const owner = await signUp(t.url);
    projectId = await newProject(t.url, owner);
    const { key } = await newKey(t.url, owner, projectId, ['ingest']);
    all = [];
    for (let b = 0; b < BATCHES; b++) {
      const records = batchRecords(b);
      const r = await call(t.url, 'POST', '/api/ingest', {
        auth: { key },
        raw: `${records.map((x) => JSON.stringify(x)).join('\n')}\n`,
        contentType: 'application/x-ndjson',
      });
      expect(r.status).toBe(202);
      all.push(...records);
    }
    all.sort((a, z) => Date.parse(z.time) - Date.parse(a.time));
    bucket = new DirBucket(join(t.sql.dataDir, 'bucket'));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function everyPage(query: Omit<LogsQuery, 'cursor'>): Promise<{ logs: LogRecord[]; pages: number }> {
    const logs: LogRecord[] = [];
    let cursor: string | null = null;
    for (let pages = 1; pages <= 200; pages++) {
      const page = await queryLogs(t.sql.store.db, bucket, projectId, {
        ...query,
        cursor: cursor ? decodeCursor(cursor) : undefined,
      });
      expect(page.logs.length).toBeLessThanOrEqual(query.limit);
      logs.push(...page.logs);
      if (!page.nextCursor) return { logs, pages };
      expect(page.nextCursor).not.toBe(cursor);
      cursor = page.nextCursor;
    }
    throw new Error('paging made no progress in 200 pages');
  }

  it('pages through overlapping batches to the end, in order, each record once', async () => {
    for (const maxBatches of [1, 4]) {
      for (const limit of [7, 25]) {
        const { logs } = await everyPage({ limit, maxBatches });
        expect(logs.map((r) => r.msg)).toEqual(all.map((r) => r.msg));
      }
    }
  });

  it('moves on through pages that find nothing when the filter is selective', async () => {
    const errors = all.filter((r) => r.level === 'error');
    expect(errors.length).toBeGreaterThan(0);
    const { logs, pages } = await everyPage({ limit: 5, maxBatches: 2, level: 'error' });
    expect(logs.map((r) => r.msg)).toEqual(errors.map((r) => r.msg));
    expect(pages).toBeGreaterThan(1);
    const none = await everyPage({
      limit: 5,
      maxBatches: 2,
      q: '-record' /* matches nothing; no text filter rules a batch out */,
    });
    expect(none.logs).toEqual([]);
    // Empty pages with a cursor: the budget ended them early, and paging still came to an end.
    expect(none.pages).toBeGreaterThan(1);
    const unbounded = await everyPage({ limit: 5, q: '-record' });
    expect(unbounded).toEqual({ logs: [], pages: 1 });
  });
});
