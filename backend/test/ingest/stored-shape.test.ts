import { gunzipSync, gzipSync } from 'node:zlib';
import { IngestResponse, LogsPage, normalizeRecord } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import { call, createTenant, storedRecords, type Tenant } from './ingest-fixture.js';

/*
 * Lines that arrive already in the stored shape (what the normalizer writes) are kept as they came,
 * and a gzip body of nothing else is stored as sent. Each case is checked against the same lines sent
 * with a leading space, which the fast path declines and the normalizer reads the same way
 * (normalizeLine trims the start of a JSON line): answers, rows, figures and records must not differ.
 */

const T0 = Date.UTC(2026, 10, 25, 9, 30, 0);

function normalized(input: unknown): string {
  const r = normalizeRecord(input, T0);
  if (!r.ok) throw new Error(r.reason);
  return JSON.stringify(r.record);
}

// What a normalizing producer (the agent's text path, a forwarder) ships: stored records.
const STORED = [
  normalized({
    level: 30,
    time: T0,
    msg: 'request done',
    hostname: 'web-1',
    responseTime: 12,
    res: { statusCode: 200 },
  }),
  normalized({ level: 'error', message: 'db timeout', timestamp: new Date(T0 + 1000).toISOString(), service: 'api' }),
  normalized({ level: 'warn', msg: 'slow query', time: T0 + 61_000, memory: { heapUsed: 300 * 1024 * 1024 } }),
  normalized({ level: 'info', msg: 'naïve ☃ 😀 "quoted" \\ back\nslash\u0001', traceId: 'ab12', spanId: 'cd34' }),
  normalized({ level: 'debug', msg: '', attributes: { '10': 1, '2': 2, z: [1, { y: null }], e: 1e21 } }),
];

// Lines the normalizer changes or rejects, in among stored ones.
const HOSTILE = [
  '{"time":"2026-11-25T09:30:00.000Z","level":"info","msg":"p","attributes":{"__proto__":{"polluted":1},"a":1}}',
  '{"time":"2026-11-25T09:30:00.000Z","level":"info","msg":""}',
  '{}',
  '{"time":"2026-11-25T09:30:00.000Z","level":"info","msg":"","attributes":{}}',
  '{"time":"2026-11-25T09:30:00.000Z","level":"info","msg":"big","attributes":{"x":1e400}}',
  '{"time":"2026-11-25T09:30:00.000Z","level":"info","msg":"neg","attributes":{"duration":-5}}',
  '{"time":"2026-11-25T09:30:00.000Z","level":"info","msg":"late","attributes":{"latency_ms":1e300}}',
  '{"time":"2026-11-25T09:30:00.000Z","level":"INFO","msg":"upper"}',
  '{"time":"2026-11-25T09:30:00.000Z","level":"info","msg":"dup","attributes":{"a":1,"a":2}}',
  '{"time":"2026-11-25T09:30:00.000Z","level":"info","msg":"order","attributes":{"b":1,"1":2}}',
  '{"time":"2026-11-25T09:30:00.000Z","level":"info","msg":"deep","attributes":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"j":1}}}}}}}}}}}',
  '{"time":"2026-11-25T09:30:00.000Z","level":"info","msg":"[Unreadable]","attributes":{"k":"v"}}',
  '{"time":"2026-11-25T09:30:00.000Z","level":"info","msg":"cr"}\r',
  '{"time":"2026-11-25T09:30:00.000Z","level":"info","msg":"ws", "attributes":{"a":1}}',
];

// Lines the normalizer stores with the receive time (text, an unusable time): only the answers and
// the records less their time can be compared across two requests.
const TIMELESS = [
  '[1,2]',
  'null',
  '{"time":"1970-01-01T00:00:00.000Z","level":"info","msg":"epoch"}',
  '{"time":"2026-11-25T09:30:00.000Z","level":"info","msg":"torn',
];

type Row = Record<string, unknown>;

describe.each(SQL_DIALECTS)('stored-shape lines on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ dialect, env: { CLOUDSAGE_INGEST_WORKERS: '1' } });
  });
  afterAll(async () => {
    await t.close();
  });

  async function send(tenant: Tenant, body: Buffer, gzip = true) {
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson', 'x-cloudsage-key': tenant.key };
    if (gzip) headers['content-encoding'] = 'gzip';
    const res = await call(t.url, 'POST', '/api/ingest', { headers, body });
    expect(res.status).toBe(202);
    return IngestResponse.parse(res.body);
  }

  async function batchRow(projectId: string): Promise<Row> {
    const row = await t.app.sql.db
      .selectFrom('ingest_batches')
      .selectAll()
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    const { id, batch_id, project_id, key_id, object_key, received_at, response, ...rest } = row as unknown as Row;
    return { ...rest, response: { ...(JSON.parse(response as string) as Row), batchId: undefined } };
  }

  async function minutes(projectId: string): Promise<Row[]> {
    const rows = await t.app.sql.db
      .selectFrom('minute_metrics')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('minute')
      .execute();
    return rows.map(({ project_id, ...rest }) => rest);
  }

  async function objectOf(projectId: string): Promise<Buffer> {
    const row = await t.app.sql.db
      .selectFrom('ingest_batches')
      .select('object_key')
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    const bytes = await t.app.bucket.get(row.object_key as string);
    if (!bytes) throw new Error('no object');
    return Buffer.from(bytes);
  }

  /** Sends `lines` as they are and with a leading space each, to two tenants; answers both sides. */
  async function both(lines: string[]) {
    const fast = await createTenant(t.url);
    const slow = await createTenant(t.url);
    const body = gzipSync(`${lines.join('\n')}\n`);
    const fastAnswer = await send(fast, body);
    const slowAnswer = await send(slow, gzipSync(`${lines.map((l) => ` ${l}`).join('\n')}\n`));
    expect({ ...fastAnswer, batchId: '' }).toEqual({ ...slowAnswer, batchId: '' });
    expect(await batchRow(fast.projectId)).toEqual(await batchRow(slow.projectId));
    expect(await minutes(fast.projectId)).toEqual(await minutes(slow.projectId));
    expect(await storedRecords(t.app, fast.projectId)).toEqual(await storedRecords(t.app, slow.projectId));
    return { fast, slow, body, answer: fastAnswer };
  }

  it('stores a gzip batch of stored-shape lines byte for byte, and the logs API reads it back', async () => {
    const { fast, body, answer } = await both(STORED);
    expect(answer).toMatchObject({ accepted: STORED.length, rejected: 0 });
    expect((await objectOf(fast.projectId)).equals(body)).toBe(true);
    const page = await call(t.url, 'GET', `/api/projects/${fast.projectId}/logs?from=0&limit=100`, {
      headers: { 'x-cloudsage-key': fast.key },
    });
    expect(page.status).toBe(200);
    const byMsg = (a: { msg: string }, b: { msg: string }) => a.msg.localeCompare(b.msg);
    const logs = LogsPage.parse(page.body).logs;
    expect([...logs].sort(byMsg)).toEqual(STORED.map((l) => JSON.parse(l) as { msg: string }).sort(byMsg));
    // Search goes through the batch's trigram filter, built from the same lines.
    const found = await call(t.url, 'GET', `/api/projects/${fast.projectId}/logs?from=0&q=timeout`, {
      headers: { 'x-cloudsage-key': fast.key },
    });
    expect(LogsPage.parse(found.body).logs.map((r) => r.msg)).toEqual(['db timeout']);
  });

  it('recompresses when the sent gzip is not exactly the stored text', async () => {
    // Zero padding after the member: zlib stops before it, so the body is not kept as sent.
    const fast = await createTenant(t.url);
    const padded = Buffer.concat([gzipSync(`${STORED.join('\n')}\n`), Buffer.alloc(8)]);
    expect((await send(fast, padded)).accepted).toBe(STORED.length);
    const object = await objectOf(fast.projectId);
    expect(object.equals(padded)).toBe(false);
    expect(gunzipSync(object).toString()).toBe(`${STORED.join('\n')}\n`);
    // No final newline, a blank line: the text differs from the stored text; each line is still kept.
    for (const text of [STORED.join('\n'), `${STORED[0]}\n\n${STORED[1]}\n`]) {
      const other = await createTenant(t.url);
      const sent = gzipSync(text);
      await send(other, sent);
      const stored = await objectOf(other.projectId);
      expect(stored.equals(sent)).toBe(false);
      expect(gunzipSync(stored).toString()).toBe(`${text.split('\n').filter(Boolean).join('\n')}\n`);
    }
    // Two gzip members in a row are one stream (RFC 1952): kept as sent, and read back whole.
    const members = Buffer.concat([gzipSync(`${STORED[0]}\n`), gzipSync(`${STORED.slice(1).join('\n')}\n`)]);
    const multi = await createTenant(t.url);
    await send(multi, members);
    expect((await objectOf(multi.projectId)).equals(members)).toBe(true);
    expect(await storedRecords(t.app, multi.projectId)).toHaveLength(STORED.length);
  });

  it('answers hostile lines among stored ones exactly as the normalizer does, line by line', async () => {
    const lines = STORED.flatMap((s, i) => [s, ...HOSTILE.slice(i * 3, i * 3 + 3)]);
    const { fast, answer } = await both(lines);
    expect(answer.rejected).toBeGreaterThan(0);
    expect(answer.errors.length).toBeGreaterThan(answer.rejected);
    const stored = gunzipSync(await objectOf(fast.projectId)).toString();
    expect(stored).not.toContain('polluted":1,"a"');
    expect(Object.hasOwn({}, 'polluted')).toBe(false);
  });

  it('answers lines stored with the receive time as before', async () => {
    const fast = await createTenant(t.url);
    const slow = await createTenant(t.url);
    const lines = [...STORED.slice(0, 2), ...TIMELESS, STORED[2] as string];
    const a = await send(fast, gzipSync(`${lines.join('\n')}\n`));
    const b = await send(slow, gzipSync(`${lines.map((l) => ` ${l}`).join('\n')}\n`));
    expect({ ...a, batchId: '' }).toEqual({ ...b, batchId: '' });
    const untimed = (records: { time: string; msg: string }[]) =>
      records.map(({ time, msg, ...r }) => ({ ...r, msg: msg.trim() }));
    expect(untimed(await storedRecords(t.app, fast.projectId))).toEqual(
      untimed(await storedRecords(t.app, slow.projectId)),
    );
  });

  it('keeps stored lines as they are in an identity body too', async () => {
    const tenant = await createTenant(t.url);
    const answer = await send(tenant, Buffer.from(`${STORED.join('\n')}\n`), false);
    expect(answer.accepted).toBe(STORED.length);
    expect(gunzipSync(await objectOf(tenant.projectId)).toString()).toBe(`${STORED.join('\n')}\n`);
  });
});
