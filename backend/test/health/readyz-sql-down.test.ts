import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';

// test/routes/health.test.ts covers a bucket that fails (both dialects) and a PostgreSQL that
// refuses connections; this is the SQLite store failing under a running app.
describe('GET /readyz with the SQLite store closed under it', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 store_unavailable naming sql, while /healthz still answers', async () => {
    expect((await call(t.url, 'GET', '/readyz')).status).toBe(200);
    await t.sql.store.close();
    const r = await call(t.url, 'GET', '/readyz');
    expectError(r, 503, 'store_unavailable');
    expect(r.headers.get('retry-after')).toBe('5');
    expect(r.body.error.details).toEqual({ checks: { sql: 'down', bucket: 'ok' } });
    expect((await call(t.url, 'GET', '/healthz')).status).toBe(200);
  });
});
