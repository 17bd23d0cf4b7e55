import { rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import { batchCount, call, createProject, createTenant, type Tenant } from './ingest-fixture.js';

const NDJSON = 'application/x-ndjson';
const line = (msg: string) => JSON.stringify({ level: 30, time: Date.UTC(2026, 10, 25), msg });

function errorCode(body: unknown): string | undefined {
  return (body as { error?: { code?: string } }).error?.code;
}

describe.each(SQL_DIALECTS)('POST /api/ingest refusals on %s', (dialect) => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    t = await startTestApp({
      dialect,
      env: { CLOUDSAGE_MAX_BATCH_RECORDS: '5', CLOUDSAGE_MAX_BODY_BYTES: '65536', CLOUDSAGE_INGEST_WORKERS: '1' },
    });
    a = await createTenant(t.url);
    b = await createTenant(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (headers: Record<string, string>, body: string | Buffer) =>
    call(t.url, 'POST', '/api/ingest', { headers: { 'content-type': NDJSON, ...headers }, body });

  it('401 without credentials and with a wrong key', async () => {
    const none = await post({}, line('x'));
    expect([none.status, errorCode(none.body)]).toEqual([401, 'unauthorized']);
    const wrong = await post({ 'x-cloudsage-key': `${a.key.slice(0, -4)}zzzz` }, line('x'));
    expect([wrong.status, errorCode(wrong.body)]).toEqual([401, 'invalid_key']);
  });

  it("404 for another tenant's project, whichever way it is named, and nothing is stored", async () => {
    const viaQuery = await post({ 'x-cloudsage-key': a.key }, line('x'));
    expect(viaQuery.status).toBe(202);
    const before = await batchCount(t.app, b.projectId);
    const foreignQuery = await call(t.url, 'POST', `/api/ingest?projectId=${b.projectId}`, {
      headers: { 'content-type': NDJSON, authorization: `Bearer ${a.key}` },
      body: line('x'),
    });
    expect([foreignQuery.status, errorCode(foreignQuery.body)]).toEqual([404, 'not_found']);
    const foreignHeader = await post({ 'x-cloudsage-key': a.key, 'x-cloudsage-project': b.projectId }, line('x'));
    expect(foreignHeader.status).toBe(404);
    const foreignEnvelope = await call(t.url, 'POST', '/api/ingest', {
      headers: { 'content-type': 'application/json', 'x-cloudsage-key': a.key },
      body: JSON.stringify({ projectId: b.projectId, logs: [{ msg: 'x' }] }),
    });
    expect(foreignEnvelope.status).toBe(404);
    const userForeign = await post(
      { authorization: `Bearer ${a.token}`, 'x-cloudsage-project': b.projectId },
      line('x'),
    );
    expect(userForeign.status).toBe(404);
    expect(await batchCount(t.app, b.projectId)).toBe(before);
  });

  it('400 for a user who names no project, bad JSON, bad gzip and a bad Idempotency-Key', async () => {
    const noProject = await post({ authorization: `Bearer ${a.token}` }, line('x'));
    expect([noProject.status, errorCode(noProject.body)]).toEqual([400, 'project_required']);
    const badJson = await post({ 'x-cloudsage-key': a.key, 'content-type': 'application/json' }, '[{"msg": ');
    expect([badJson.status, errorCode(badJson.body)]).toEqual([400, 'invalid_body']);
    const badGzip = await post({ 'x-cloudsage-key': a.key, 'content-encoding': 'gzip' }, 'not gzip at all');
    expect([badGzip.status, errorCode(badGzip.body)]).toEqual([400, 'invalid_body']);
    const badKey = await post({ 'x-cloudsage-key': a.key, 'idempotency-key': 'k'.repeat(201) }, line('x'));
    expect([badKey.status, errorCode(badKey.body)]).toEqual([400, 'invalid_header']);
    const scalar = await post({ 'x-cloudsage-key': a.key, 'content-type': 'application/json' }, '42');
    expect(scalar.status).toBe(400);
  });

  it('403 for a key without the ingest scope', async () => {
    const reader = await call(t.url, 'POST', `/api/projects/${a.projectId}/keys`, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${a.token}` },
      body: JSON.stringify({ name: 'reader', scopes: ['read'] }),
    });
    const res = await post({ 'x-cloudsage-key': (reader.body as { key: string }).key }, line('x'));
    expect([res.status, errorCode(res.body)]).toEqual([403, 'insufficient_scope']);
  });

  it('413 for too many records, a declared and a streamed oversize body', async () => {
    const six = Array.from({ length: 6 }, (_, i) => line(`m${i}`)).join('\n');
    const many = await post({ 'x-cloudsage-key': a.key }, six);
    expect([many.status, errorCode(many.body)]).toEqual([413, 'too_many_records']);
    const manyJson = await post(
      { 'x-cloudsage-key': a.key, 'content-type': 'application/json' },
      JSON.stringify(Array.from({ length: 6 }, (_, i) => ({ msg: `m${i}` }))),
    );
    expect([manyJson.status, errorCode(manyJson.body)]).toEqual([413, 'too_many_records']);
    const big = await post({ 'x-cloudsage-key': a.key }, 'x'.repeat(70_000));
    expect([big.status, errorCode(big.body)]).toEqual([413, 'payload_too_large']);
    const five = Array.from({ length: 5 }, (_, i) => line(`m${i}`)).join('\n');
    expect((await post({ 'x-cloudsage-key': a.key }, five)).status).toBe(202);
  });

  it('415 for an unknown content type or encoding', async () => {
    const type = await post({ 'x-cloudsage-key': a.key, 'content-type': 'image/png' }, line('x'));
    expect([type.status, errorCode(type.body)]).toEqual([415, 'unsupported_media_type']);
    const enc = await post({ 'x-cloudsage-key': a.key, 'content-encoding': 'br' }, line('x'));
    expect([enc.status, errorCode(enc.body)]).toEqual([415, 'unsupported_media_type']);
  });

  it('rejects single records with their index and reason, and stores the rest', async () => {
    const own = await createTenant(t.url);
    const res = await post(
      { 'x-cloudsage-key': own.key, 'content-type': 'application/json' },
      JSON.stringify([{ msg: 'ok 0' }, 42, { msg: 'ok 2' }, null, {}]),
    );
    expect(res.status).toBe(202);
    const body = res.body as { accepted: number; rejected: number; errors: { index: number; message: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.rejected).toBe(3);
    expect(body.errors.map((e) => e.index)).toEqual([1, 3, 4]);
    expect(body.errors[0]?.message).toMatch(/number/);
    expect(body.errors[2]?.message).toMatch(/no message/);
    const row = await t.app.sql.db
      .selectFrom('ingest_batches')
      .select(['records', 'rejected'])
      .where('project_id', '=', own.projectId)
      .executeTakeFirstOrThrow();
    expect([Number(row.records), Number(row.rejected)]).toEqual([2, 3]);
  });

  it('a retried Idempotency-Key gets the first 202 body and is stored once', async () => {
    const own = await createTenant(t.url);
    const headers = { 'x-cloudsage-key': own.key, 'idempotency-key': 'batch-0001', 'content-encoding': 'gzip' };
    const body = gzipSync([line('one'), line('two'), '{}'].join('\n'));
    const first = await post(headers, body);
    expect(first.status).toBe(202);
    const again = await post(headers, body);
    const concurrent = await Promise.all([post(headers, body), post(headers, body)]);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    for (const r of concurrent) expect(r.body).toEqual(first.body);
    expect(await batchCount(t.app, own.projectId)).toBe(1);
    // The same key on another project is another batch.
    const other = await post({ ...headers, 'x-cloudsage-key': b.key }, body);
    expect((other.body as { batchId: string }).batchId).not.toBe((first.body as { batchId: string }).batchId);
  });

  it('503 with Retry-After when the bucket cannot be written, and nothing is committed', async () => {
    const own = await createTenant(t.url);
    // The test bucket lives in `<dataDir>/bucket/bucket`; a file in place of its logs folder makes puts fail.
    const logsDir = `${t.sql.dataDir}/bucket/bucket/logs`;
    rmSync(logsDir, { recursive: true, force: true });
    writeFileSync(logsDir, 'not a directory');
    try {
      const res = await post({ 'x-cloudsage-key': own.key }, line('x'));
      expect([res.status, errorCode(res.body)]).toEqual([503, 'store_unavailable']);
      expect(res.headers['retry-after']).toBe('5');
      expect(await batchCount(t.app, own.projectId)).toBe(0);
    } finally {
      rmSync(logsDir, { force: true });
    }
    expect((await post({ 'x-cloudsage-key': own.key }, line('x'))).status).toBe(202);
  });

  it('503 with Retry-After when the database refuses the commit, and the object is removed', async () => {
    const own = await createTenant(t.url);
    const db = t.app.sql.db;
    await db.schema.alterTable('minute_metrics').renameTo('minute_metrics_away').execute();
    try {
      const res = await post({ 'x-cloudsage-key': own.key }, line('x'));
      expect([res.status, errorCode(res.body)]).toEqual([503, 'store_unavailable']);
      expect(res.headers['retry-after']).toBe('5');
      // The batch row went back with the transaction.
      expect(await batchCount(t.app, own.projectId)).toBe(0);
    } finally {
      await db.schema.alterTable('minute_metrics_away').renameTo('minute_metrics').execute();
    }
    const keys: string[] = [];
    // Orphan cleanup is fire-and-forget; it finishes within the next request's round trip here.
    expect((await post({ 'x-cloudsage-key': own.key }, line('y'))).status).toBe(202);
    for await (const key of t.app.bucket.list(`logs/${own.projectId}/`)) keys.push(key);
    expect(keys).toHaveLength(1);
  });
});

describe('POST /api/ingest rate limits', () => {
  let t: TestApp;
  const now = Date.UTC(2026, 10, 25, 10, 0, 15);

  beforeAll(async () => {
    t = await startTestApp({ env: { CLOUDSAGE_INGEST_RATE_PER_MIN: '2' }, now: () => now });
  });
  afterAll(async () => {
    await t.close();
  });

  it('429 with Retry-After per project, and per caller across projects', async () => {
    const a = await createTenant(t.url);
    const post = (headers: Record<string, string>) =>
      call(t.url, 'POST', '/api/ingest', { headers: { 'content-type': NDJSON, ...headers }, body: line('x') });
    expect((await post({ 'x-cloudsage-key': a.key })).status).toBe(202);
    expect((await post({ 'x-cloudsage-key': a.key })).status).toBe(202);
    const limited = await post({ 'x-cloudsage-key': a.key });
    expect([limited.status, errorCode(limited.body)]).toEqual([429, 'rate_limited']);
    // 45 s remain in the fixed clock's minute.
    expect(limited.headers['retry-after']).toBe('45');
    expect(await batchCount(t.app, a.projectId)).toBe(2);

    // One user over two fresh projects: each project is under its limit, the user is not.
    const u = await createTenant(t.url);
    const second = await createProject(t.url, u.token);
    const asUser = (projectId: string) =>
      post({ authorization: `Bearer ${u.token}`, 'x-cloudsage-project': projectId });
    expect((await asUser(u.projectId)).status).toBe(202);
    expect((await asUser(second)).status).toBe(202);
    const over = await asUser(second);
    expect(over.status).toBe(429);
    expect((over.body as { error: { message: string } }).error.message).toMatch(/caller/);
  });
});
