import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import { batchCount, call, createTenant, type Tenant } from './ingest-fixture.js';

// Issue #22 (c): one `[]` stored a batch row with an empty object key, and every later
// `GET /logs` of the project answered 500 ("unsafe bucket key").
describe.each(SQL_DIALECTS)('empty batches on %s', (dialect) => {
  let t: TestApp;
  let a: Tenant;

  beforeAll(async () => {
    t = await startTestApp({ dialect, env: { CLOUDSAGE_INGEST_WORKERS: '1' } });
    a = await createTenant(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  const objects = async (projectId: string): Promise<string[]> => {
    const keys: string[] = [];
    for await (const key of t.app.bucket.list(`logs/${projectId}/`)) keys.push(key);
    return keys;
  };
  const logs = () =>
    call(t.url, 'GET', `/api/projects/${a.projectId}/logs`, { headers: { authorization: `Bearer ${a.key}` } });

  it('an empty JSON array, envelope, NDJSON body and OTLP request store nothing and answer accepted 0', async () => {
    const bodies: [string, string, string][] = [
      ['/api/ingest', 'application/json', '[]'],
      ['/api/ingest', 'application/json', JSON.stringify({ logs: [] })],
      ['/api/ingest', 'application/x-ndjson', '\n\n'],
      ['/v1/logs', 'application/json', '{"resourceLogs":[]}'],
      ['/v1/logs', 'application/json', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[]}]}]}'],
    ];
    for (const [i, [path, type, body]] of bodies.entries()) {
      const res = await call(t.url, 'POST', path, {
        headers: { 'content-type': type, 'x-cloudsage-key': a.key, 'idempotency-key': `empty-batch-${i}` },
        body,
      });
      expect([path, body, res.status]).toEqual([path, body, path === '/v1/logs' ? 200 : 202]);
      if (path === '/api/ingest') expect(res.body).toMatchObject({ accepted: 0, rejected: 0, errors: [] });
    }
    expect(await batchCount(t.app, a.projectId)).toBe(0);
    expect(await objects(a.projectId)).toEqual([]);
    const read = await logs();
    expect(read.status).toBe(200);
  });

  it('a batch of only rejections keeps its row, with a readable object of no records', async () => {
    const res = await call(t.url, 'POST', '/api/ingest', {
      headers: { 'content-type': 'application/json', 'x-cloudsage-key': a.key },
      body: JSON.stringify([42, null]),
    });
    expect(res.body).toMatchObject({ accepted: 0, rejected: 2 });
    const rows = await t.app.sql.db
      .selectFrom('ingest_batches')
      .select(['object_key', 'rejected'])
      .where('project_id', '=', a.projectId)
      .execute();
    expect(rows.map((r) => Number(r.rejected))).toEqual([2]);
    expect(rows[0]?.object_key).toMatch(/^logs\/.+\.ndjson\.gz$/);
    expect(await objects(a.projectId)).toEqual([rows[0]?.object_key]);
    const read = await logs();
    expect([read.status, (read.body as { logs?: unknown[] }).logs]).toEqual([200, []]);
  });
});
