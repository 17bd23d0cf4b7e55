import { gzipSync } from 'node:zlib';
import { IngestResponse } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import { batchCount, call, createTenant, storedRecords, type Tenant } from './ingest-fixture.js';

const T0 = Date.UTC(2026, 10, 25, 9, 30, 0);

// Three records as a pino line, a winston record and a plain object would carry them.
const RECORDS = [
  { level: 30, time: T0, msg: 'request done', hostname: 'web-1', responseTime: 12 },
  { level: 'error', message: 'db timeout', timestamp: new Date(T0 + 1000).toISOString(), service: 'api' },
  { level: 'warn', msg: 'slow query', time: new Date(T0 + 2000).toISOString(), ms: 1200 },
];
const EXPECTED = [
  { level: 'info', msg: 'request done' },
  { level: 'error', msg: 'db timeout' },
  { level: 'warn', msg: 'slow query' },
];

type Form = 'ndjson' | 'array' | 'envelope' | 'text';

function bodyOf(form: Form, projectId: string): { type: string; text: string; expected: typeof EXPECTED } {
  switch (form) {
    case 'ndjson':
      return {
        type: 'application/x-ndjson',
        text: `${RECORDS.map((r) => JSON.stringify(r)).join('\n')}\n\n`,
        expected: EXPECTED,
      };
    case 'array':
      return { type: 'application/json', text: JSON.stringify(RECORDS), expected: EXPECTED };
    case 'envelope':
      return { type: 'application/json', text: JSON.stringify({ projectId, logs: RECORDS }), expected: EXPECTED };
    case 'text':
      return {
        type: 'text/plain; charset=utf-8',
        text: '2026-11-25T09:30:00Z ERROR payment failed for order 7\nWARN disk 91% full\r\nserver started\n',
        expected: [
          { level: 'error', msg: '2026-11-25T09:30:00Z ERROR payment failed for order 7' },
          { level: 'warn', msg: 'WARN disk 91% full' },
          { level: 'info', msg: 'server started' },
        ],
      };
  }
}

describe.each(SQL_DIALECTS)('POST /api/ingest body forms on %s', (dialect) => {
  let t: TestApp;
  let tenant: Tenant;

  beforeAll(async () => {
    t = await startTestApp({ dialect, env: { CLOUDSAGE_INGEST_WORKERS: '1' } });
    tenant = await createTenant(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  const cases: [Form, boolean][] = (['ndjson', 'array', 'envelope', 'text'] as const).flatMap((f) => [
    [f, false] as [Form, boolean],
    [f, true] as [Form, boolean],
  ]);

  it.each(cases)('%s (gzip: %s) is stored and answered 202', async (form, gzip) => {
    // A fresh tenant per case, so the stored records are only this case's.
    const own = await createTenant(t.url);
    const { type, text, expected } = bodyOf(form, own.projectId);
    const headers: Record<string, string> = { 'content-type': type };
    if (gzip) headers['content-encoding'] = 'gzip';
    // The envelope names its project itself (a user must name one); the others use the key's project.
    if (form === 'envelope') headers.authorization = `Bearer ${own.token}`;
    else headers['x-cloudsage-key'] = own.key;
    const res = await call(t.url, 'POST', '/api/ingest', {
      headers,
      body: gzip ? gzipSync(text) : Buffer.from(text),
    });
    expect(res.status).toBe(202);
    const answer = IngestResponse.parse(res.body);
    expect(answer).toMatchObject({ accepted: expected.length, rejected: 0, errors: [] });
    const stored = await storedRecords(t.app, own.projectId);
    expect(stored.map((r) => ({ level: r.level, msg: r.msg }))).toEqual(expected);
    expect(await batchCount(t.app, own.projectId)).toBe(1);
  });

  it('writes the batch row, minute metrics and one pending scoring job in the same commit', async () => {
    const lines = [
      { level: 30, time: T0, msg: 'a', responseTime: 10, memory: { heapUsed: 200 * 1024 * 1024 } },
      { level: 50, time: T0 + 5_000, msg: 'b', responseTime: 30 },
      { level: 30, time: T0 + 61_000, msg: 'c' },
    ];
    const send = () =>
      call(t.url, 'POST', '/api/ingest', {
        headers: {
          'content-type': 'application/x-ndjson',
          'content-encoding': 'gzip',
          'x-cloudsage-key': tenant.key,
          'x-cloudsage-dropped': 'overflow=3,before_send=1',
        },
        body: gzipSync(lines.map((l) => JSON.stringify(l)).join('\n')),
      });
    expect((await send()).status).toBe(202);
    expect((await send()).status).toBe(202);

    const db = t.app.sql.db;
    const batches = await db
      .selectFrom('ingest_batches')
      .selectAll()
      .where('project_id', '=', tenant.projectId)
      .execute();
    expect(batches).toHaveLength(2);
    for (const b of batches) {
      expect(b).toMatchObject({
        records: 3,
        rejected: 0,
        count_info: 2,
        count_error: 1,
        min_time: T0,
        max_time: T0 + 61_000,
        dropped_overflow: 3,
        dropped_oversize: 0,
        dropped_before_send: 1,
        key_id: tenant.keyId,
      });
      expect(b.object_key).toMatch(
        new RegExp(`^logs/${tenant.projectId}/\\d{4}-\\d{2}-\\d{2}/\\d{2}/${b.id}\\.ndjson\\.gz$`),
      );
    }
    const minutes = await db
      .selectFrom('minute_metrics')
      .selectAll()
      .where('project_id', '=', tenant.projectId)
      .orderBy('minute')
      .execute();
    expect(minutes.map((m) => [Number(m.minute), Number(m.records), Number(m.count_error)])).toEqual([
      [T0, 4, 2],
      [T0 + 60_000, 2, 0],
    ]);
    expect(Number(minutes[0]?.latency_count)).toBe(4);
    expect(Number(minutes[0]?.latency_sum)).toBe(80);
    expect(Number(minutes[0]?.latency_max)).toBe(30);
    expect(Number(minutes[0]?.memory_max_mb)).toBe(200);
    const jobs = await db.selectFrom('scoring_jobs').selectAll().where('project_id', '=', tenant.projectId).execute();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.status).toBe('pending');
  });
});
