import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS, TEST_PG_URL } from '../support/sql-stores.js';
import { call, expectError, newKey, newProject, signUp } from './support/client.js';

async function onAdmin(query: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(query);
  } finally {
    await admin.end();
  }
}

describe.each(SQL_DIALECTS)('health, readiness and metrics on %s', (dialect) => {
  let t: TestApp;
  let url: string;

  beforeAll(async () => {
    // Ingest decodes inline (no worker threads), keeping this suite cheap; logs.test.ts reads what the pool writes.
    t = await startTestApp({ dialect, env: { CLOUDSAGE_INGEST_WORKERS: '0' } });
    url = t.url;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('GET /healthz answers 200 without credentials', async () => {
    const r = await call(url, 'GET', '/healthz');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when both stores answer', async () => {
    const r = await call(url, 'GET', '/readyz');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ready', checks: { sql: 'ok', bucket: 'ok' } });
  });

  it('GET /readyz answers 503 naming the bucket while it cannot be written, and recovers', async () => {
    // The test bucket's root (startTestApp's DirBucket) replaced by a plain file: a real fs failure.
    const root = join(t.sql.dataDir, 'bucket', 'bucket');
    rmSync(root, { recursive: true, force: true });
    writeFileSync(root, 'not a directory');
    try {
      const r = await call(url, 'GET', '/readyz');
      expectError(r, 503, 'store_unavailable');
      expect(r.headers.get('retry-after')).toBe('5');
      expect(r.body.error.details).toEqual({ checks: { sql: 'ok', bucket: 'down' } });
    } finally {
      rmSync(root, { force: true });
      mkdirSync(root, { recursive: true });
    }
    expect((await call(url, 'GET', '/readyz')).status).toBe(200);
  });

  it.runIf(dialect === 'postgres')(
    'GET /readyz answers 503 naming sql while the database refuses connections',
    async () => {
      const name = new URL(t.sql.url as string).pathname.slice(1);
      // Only this test's own database is closed to connections; the shared server stays up.
      await onAdmin(`alter database ${name} allow_connections false`);
      await onAdmin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}'`);
      try {
        const r = await call(url, 'GET', '/readyz');
        expectError(r, 503, 'store_unavailable');
        expect(r.body.error.details).toEqual({ checks: { sql: 'down', bucket: 'ok' } });
      } finally {
        await onAdmin(`alter database ${name} allow_connections true`);
      }
      // A pooled connection the outage killed may still be handed out (at most one per pool slot,
      // 4 in tests) and is dropped when it fails; readiness must come back right after.
      const after: number[] = [];
      for (let i = 0; i < 4; i++) {
        const status = (await call(url, 'GET', '/readyz')).status;
        after.push(status);
        if (status === 200) break;
      }
      expect(after.at(-1)).toBe(200);
    },
  );

  it('GET /metrics answers Prometheus text with request, ingest and store series', async () => {
    const s = await signUp(url);
    const projectId = await newProject(url, s);
    const { key } = await newKey(url, s, projectId, ['ingest']);
    const body = '{"level":"info","msg":"a"}\n{"level":"error","msg":"b"}\nnot json but a text line\n';
    const ingest = await call(url, 'POST', '/api/ingest', {
      auth: { key },
      raw: body,
      contentType: 'application/x-ndjson',
    });
    expect(ingest.status).toBe(202);
    const accepted = ingest.body.accepted as number;
    const rejected = ingest.body.rejected as number;
    await call(url, 'GET', `/api/projects/${projectId}`, { auth: { bearer: s.token } });

    const r = await call(url, 'GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = r.text;
    expect(text).toContain('# TYPE http_requests_total counter');
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/api\/projects\/:id",status="200"\} 1$/m);
    expect(text).toMatch(/^http_requests_total\{method="POST",route="\/api\/ingest",status="202"\} 1$/m);
    expect(text).toContain(`cloudsage_ingest_records_total ${accepted}`);
    expect(text).toContain(`cloudsage_ingest_rejected_total ${rejected}`);
    expect(text).toMatch(/^cloudsage_ingest_bytes_total [1-9]\d*$/m);
    expect(text).toMatch(/^cloudsage_store_latency_seconds_count\{store="sql",op="select"\} [1-9]\d*$/m);
    expect(text).toMatch(/^cloudsage_store_latency_seconds_count\{store="bucket",op="put"\} 1$/m);
    // Raw ids never become label values (series count stays bounded).
    expect(text).not.toContain(projectId);
  });
});
