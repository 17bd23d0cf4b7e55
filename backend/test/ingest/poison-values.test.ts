import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import { call, createTenant, type Tenant } from './ingest-fixture.js';

// Issue #22 (d): on PostgreSQL two `"responseTime": 1e308` of one minute overflowed
// minute_metrics.latency_sum, and every batch of that minute answered 503 with Retry-After for ever.
describe.each(SQL_DIALECTS)('figures out of range on %s', (dialect) => {
  let t: TestApp;
  let a: Tenant;
  const minute = Date.UTC(2026, 10, 25, 10, 0);

  beforeAll(async () => {
    t = await startTestApp({ dialect, env: { CLOUDSAGE_INGEST_WORKERS: '1' } });
    a = await createTenant(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  const ingest = (body: string) =>
    call(t.url, 'POST', '/api/ingest', {
      headers: { 'content-type': 'application/x-ndjson', 'x-cloudsage-key': a.key },
      body,
    });
  const metrics = (at: number) =>
    t.app.sql.db
      .selectFrom('minute_metrics')
      .select(['records', 'latency_count', 'latency_sum', 'latency_max', 'memory_max_mb'])
      .where('project_id', '=', a.projectId)
      .where('minute', '=', at)
      .executeTakeFirst();

  it('keeps the records, leaves 1e308, Infinity and negative figures out of the metrics, and names each', async () => {
    const at = (s: number) => minute + s * 1000;
    const lines = [
      `{"level":30,"time":${at(1)},"msg":"a","responseTime":1e308}`,
      `{"level":30,"time":${at(2)},"msg":"b","responseTime":1e308}`,
      `{"level":30,"time":${at(3)},"msg":"c","responseTime":1e999}`,
      `{"level":30,"time":${at(4)},"msg":"d","responseTime":"Infinity"}`,
      `{"level":30,"time":${at(5)},"msg":"e","res":{"duration":-5}}`,
      `{"level":30,"time":${at(6)},"msg":"f","memory":{"heapUsed":1e300}}`,
      `{"level":30,"time":${at(7)},"msg":"g","responseTime":12.5}`,
    ];
    for (let round = 0; round < 2; round++) {
      const res = await ingest(lines.join('\n'));
      expect(res.status).toBe(202);
      const body = res.body as { accepted: number; rejected: number; errors: { index: number; message: string }[] };
      expect([body.accepted, body.rejected]).toEqual([7, 0]);
      expect(body.errors.map((e) => e.index)).toEqual([0, 1, 4, 5]);
      expect(body.errors[0]?.message).toMatch(/^figure_out_of_range: responseTime 1e\+308 is over/);
      expect(body.errors[2]?.message).toMatch(/res\.duration -5 is negative/);
      expect(body.errors[3]?.message).toMatch(/memory\.heapUsed 1e\+300 is over/);
    }
    const row = await metrics(minute);
    expect(row).toBeDefined();
    expect([Number(row?.records), Number(row?.latency_count)]).toEqual([14, 2]);
    expect([Number(row?.latency_sum), Number(row?.latency_max), Number(row?.memory_max_mb)]).toEqual([25, 12.5, 0]);
    const ready = await call(t.url, 'GET', '/readyz');
    expect(ready.status).toBe(200);
  });

  it('a batch the database refuses answers 422 unstorable_value, not 503, and the store stays ready', async () => {
    const other = minute + 3_600_000;
    // A minute whose record count sits at PostgreSQL's int4 maximum: one more record overflows it.
    await t.app.sql.db
      .insertInto('minute_metrics')
      .values({
        project_id: a.projectId,
        minute: other,
        records: 2_147_483_647,
        count_trace: 0,
        count_debug: 0,
        count_info: 0,
        count_warn: 0,
        count_error: 0,
        count_fatal: 0,
        latency_count: 0,
        latency_sum: 0,
        latency_max: 0,
        memory_max_mb: 0,
        bytes: 0,
      })
      .execute();
    const res = await ingest(`{"level":30,"time":${other + 1000},"msg":"over"}`);
    if (dialect === 'postgres') {
      expect([res.status, (res.body as { error?: { code?: string } }).error?.code]).toEqual([422, 'unstorable_value']);
      expect(res.headers['retry-after']).toBeUndefined();
    } else {
      // SQLite's integers are 64-bit: the same batch fits.
      expect(res.status).toBe(202);
    }
    expect((await call(t.url, 'GET', '/readyz')).status).toBe(200);
    expect((await ingest(`{"level":30,"time":${minute + 9000},"msg":"next"}`)).status).toBe(202);
  });
});
