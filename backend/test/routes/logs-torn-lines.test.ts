import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { LogRecord } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor } from '../../src/services/logs/logs-cursor.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import { call, newKey, newProject, type Session, signUp } from './support/client.js';

const gzipAsync = promisify(gzip);
const T0 = Date.parse('2026-11-24T10:00:00.000Z');

// One batch of four records, oldest first; its line 1 is later torn in the bucket.
const records: LogRecord[] = [0, 1, 2, 3].map((i) => ({
  time: new Date(T0 + i * 1000).toISOString(),
  level: 'info',
  msg: `line ${i}`,
}));

describe.each(SQL_DIALECTS)('logs around a torn line on %s', (dialect) => {
  let t: TestApp;
  let owner: Session;
  let projectId: string;
  let objectKey: string;

  beforeAll(async () => {
    t = await startTestApp({ dialect, env: { CLOUDSAGE_INGEST_WORKERS: '0' } });
    owner = await signUp(t.url);
    projectId = await newProject(t.url, owner);
    const { key } = await newKey(t.url, owner, projectId, ['ingest']);
    const r = await call(t.url, 'POST', '/api/ingest', {
      auth: { key },
      raw: `${records.map((x) => JSON.stringify(x)).join('\n')}\n`,
      contentType: 'application/x-ndjson',
    });
    expect(r.status).toBe(202);
    const batch = await t.sql.store.db
      .selectFrom('ingest_batches')
      .select('object_key')
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    objectKey = batch.object_key;
  });
  afterAll(async () => {
    await t?.close();
  });

  const page = (query: string) =>
    call(t.url, 'GET', `/api/projects/${projectId}/logs?${query}`, { auth: { bearer: owner.token } });
  const skippedByLogs = async () => {
    const text = (await call(t.url, 'GET', '/metrics')).text;
    return Number(/^cloudsage_batch_lines_skipped_total\{reader="logs"\} (\d+)$/m.exec(text)?.[1] ?? 0);
  };

  it('skips and counts the torn line; a cursor given before the tear still resumes at the same record', async () => {
    const before = await page('limit=2');
    expect(before.body.logs.map((l: LogRecord) => l.msg)).toEqual(['line 3', 'line 2']);
    // The cursor points at line 2 of the object by its index in the batch.
    expect(decodeCursor(before.body.nextCursor)?.index).toBe(2);

    // The object loses line 1 to a torn write (as a crash mid-put of a foreign writer would leave it).
    const lines = records.map((x) => JSON.stringify(x));
    lines[1] = lines[1]!.slice(0, 20);
    await t.app.bucket.put(objectKey, await gzipAsync(`${lines.join('\n')}\n`));

    const skippedBefore = await skippedByLogs();
    const after = await page(`limit=2&cursor=${before.body.nextCursor}`);
    expect(after.status).toBe(200);
    expect(after.body.logs.map((l: LogRecord) => l.msg)).toEqual(['line 0']);
    expect(after.body.nextCursor).toBeNull();
    expect((await skippedByLogs()) - skippedBefore).toBe(1);

    // Paged one by one from the start, every record comes once, with the cursors of their lines.
    const seen: string[] = [];
    const indexes: number[] = [];
    let cursor: string | null = null;
    do {
      const r = await page(`limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...r.body.logs.map((l: LogRecord) => l.msg));
      cursor = r.body.nextCursor;
      if (cursor) indexes.push(decodeCursor(cursor)!.index);
    } while (cursor);
    expect(seen).toEqual(['line 3', 'line 2', 'line 0']);
    expect(indexes).toEqual([3, 2]);
  });
});
