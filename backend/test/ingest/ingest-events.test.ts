import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../src/services/events/event-bus.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { batchCount, call, createTenant, type Tenant } from './ingest-fixture.js';

const HOUR = 3_600_000;

describe('POST /api/ingest side effects', () => {
  let t: TestApp;
  let tenant: Tenant;
  let clock = Date.UTC(2026, 10, 25, 8, 0, 0);

  beforeAll(async () => {
    t = await startTestApp({ now: () => clock, env: { CLOUDSAGE_INGEST_WORKERS: '1' } });
    tenant = await createTenant(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    call(t.url, 'POST', '/api/ingest', {
      headers: { 'content-type': 'application/x-ndjson', 'x-cloudsage-key': tenant.key, ...headers },
      body,
    });

  it('publishes one summed ingest event per project to the event bus and counts the metrics', async () => {
    const seen: BusEvent[] = [];
    const stop = t.app.events.subscribe(tenant.projectId, (e) => seen.push(e));
    try {
      const body = '{"msg":"a"}\n{"msg":"b"}\n{}\n';
      expect((await post(body)).status).toBe(202);
      expect((await post(body)).status).toBe(202);
      // The ticker holds counts for a second; stopping it publishes what is pending now.
      t.app.ingestTicker.stop();
      const ingest = seen.filter((e) => e.type === 'ingest');
      expect(ingest).toHaveLength(1);
      expect(ingest[0]?.data).toEqual({ accepted: 4, rejected: 2, bytes: Buffer.byteLength(body) * 2 });
    } finally {
      stop();
    }
    const metrics = await call(t.url, 'GET', '/metrics');
    expect(String(metrics.body)).toMatch(/cloudsage_ingest_records_total(\{\})? 4\b/);
    expect(String(metrics.body)).toMatch(/cloudsage_ingest_rejected_total(\{\})? 2\b/);
  });

  it('honours an Idempotency-Key for 24 hours, then takes the key as new', async () => {
    const own = await createTenant(t.url);
    const headers = { 'x-cloudsage-key': own.key, 'idempotency-key': 'day-batch', 'content-encoding': 'gzip' };
    const body = gzipSync('{"msg":"once"}\n');
    const a = await call(t.url, 'POST', '/api/ingest', {
      headers: { 'content-type': 'application/x-ndjson', ...headers },
      body,
    });
    expect(a.status).toBe(202);
    clock += 23 * HOUR;
    const b = await call(t.url, 'POST', '/api/ingest', {
      headers: { 'content-type': 'application/x-ndjson', ...headers },
      body,
    });
    expect(b.body).toEqual(a.body);
    expect(await batchCount(t.app, own.projectId)).toBe(1);
    clock += 2 * HOUR;
    const c = await call(t.url, 'POST', '/api/ingest', {
      headers: { 'content-type': 'application/x-ndjson', ...headers },
      body,
    });
    expect(c.status).toBe(202);
    expect((c.body as { batchId: string }).batchId).not.toBe((a.body as { batchId: string }).batchId);
    expect(await batchCount(t.app, own.projectId)).toBe(2);
  });
});
