import { randomUUID } from 'node:crypto';
import type { Baseline, LogRecord } from '@cloudsage/schema';
import type { Kysely } from 'kysely';
import { BASELINE_KEY } from '../../src/services/dispatch/store-score.js';
import { BatchWriter, batchObjectKey, newBatchId } from '../../src/services/ingest/batch-object.js';
import type { Bucket } from '../../src/store/bucket/bucket.js';
import type { Database } from '../../src/store/sql/database.js';

const HOUR = 3_600_000;
export const TEMPLATE = 'db timeout after <NUM>ms on query <*>';

/** Inserts `hours` hourly risk points ending before `now`: steady near 15, then an error incident for the last 12 h. */
export async function seedRiskHistory(db: Kysely<Database>, projectId: string, now: number, hours = 96): Promise<void> {
  const start = Math.floor(now / HOUR) * HOUR - hours * HOUR;
  const rows = Array.from({ length: hours }, (_, i) => {
    const incident = i >= hours - 12;
    const t = start + i * HOUR + 5 * 60_000;
    return {
      id: `r_${randomUUID()}`,
      project_id: projectId,
      window_start: t,
      timestamp: t,
      score: incident ? 58 + (i % 4) : 12 + (i % 5),
      labels: JSON.stringify(incident ? ['High Error Rate', 'New Error Pattern'] : []),
      signals: JSON.stringify({ errorRate: incident ? 0.12 : 0.004 }),
      explanations: JSON.stringify(
        incident
          ? [
              {
                label: 'High Error Rate',
                signal: 'errorRate',
                message: 'error rate 12.0% (240 of 2,000) vs usual 0.40%',
                value: 0.12,
              },
              {
                label: 'New Error Pattern',
                signal: 'newErrorTemplates',
                message: `new error template \`${TEMPLATE}\` seen 40 times`,
                value: 40,
                template: { id: 't_db', pattern: TEMPLATE, count: 40 },
              },
            ]
          : [],
      ),
      created_at: t,
    };
  });
  await db.insertInto('risk_history').values(rows).execute();
}

/** A baseline in Memory that knows the template. */
export async function seedBaseline(db: Kysely<Database>, projectId: string, now: number): Promise<void> {
  const baseline: Baseline = {
    version: 1,
    updatedAt: new Date(now).toISOString(),
    windows: 96,
    signals: { errorRate: { center: 0.004, spread: 0.002, n: 96 } },
    templates: [
      {
        id: 't_db',
        pattern: TEMPLATE,
        count: 1234,
        firstSeen: new Date(now - 12 * HOUR).toISOString(),
        lastSeen: new Date(now - HOUR).toISOString(),
        level: 'error',
        rate: 0.5,
      },
    ],
  };
  await db
    .insertInto('memory')
    .values({ project_id: projectId, key: BASELINE_KEY, value: JSON.stringify(baseline), updated_at: now })
    .execute();
}

/** Per-minute metrics: 60 minutes a day ago (quiet) and 60 in the last hours (errors, slow). */
export async function seedMetrics(db: Kysely<Database>, projectId: string, now: number): Promise<void> {
  const minute = 60_000;
  const row = (t: number, errors: number, latency: number) => ({
    project_id: projectId,
    minute: Math.floor(t / minute) * minute,
    records: 100,
    count_trace: 0,
    count_debug: 0,
    count_info: 100 - errors,
    count_warn: 0,
    count_error: errors,
    count_fatal: 0,
    latency_count: 100,
    latency_sum: 100 * latency,
    latency_max: latency * 3,
    memory_max_mb: 512,
    bytes: 10_000,
  });
  const rows = [];
  for (let i = 0; i < 60; i++) rows.push(row(now - 30 * HOUR + i * minute, 1, 80));
  for (let i = 0; i < 60; i++) rows.push(row(now - 3 * HOUR + i * minute, 20, 400));
  await db.insertInto('minute_metrics').values(rows).execute();
}

/** One ingested batch in the bucket and its row, with SDK drop counts, whose error lines match the template. */
export async function seedBatch(db: Kysely<Database>, bucket: Bucket, projectId: string, now: number): Promise<void> {
  const at = now - 2 * HOUR;
  const records: LogRecord[] = [];
  for (let i = 0; i < 30; i++) {
    records.push({
      time: new Date(at + i * 1000).toISOString(),
      level: 'error',
      msg: `db timeout after ${1000 + i}ms on query q${i}`,
      service: i < 25 ? 'checkout-api' : 'billing',
      attributes: { req: { method: 'POST', url: `/api/orders?id=${i}` } },
    });
    records.push({
      time: new Date(at + i * 1000).toISOString(),
      level: 'info',
      msg: 'request done',
      service: 'checkout-api',
    });
  }
  const writer = new BatchWriter();
  for (const record of records) writer.add(record);
  const { body } = await writer.finish();
  const id = newBatchId(at);
  const key = batchObjectKey(projectId, id, at);
  await bucket.put(key, body);
  await db
    .insertInto('ingest_batches')
    .values({
      id,
      project_id: projectId,
      key_id: null,
      object_key: key,
      idempotency_key: null,
      received_at: at,
      min_time: at,
      max_time: at + 30_000,
      records: records.length,
      rejected: 0,
      bytes: body.byteLength,
      count_trace: 0,
      count_debug: 0,
      count_info: 30,
      count_warn: 0,
      count_error: 30,
      count_fatal: 0,
      dropped_overflow: 420,
      dropped_oversize: 3,
      dropped_before_send: 0,
      response: '{}',
    })
    .execute();
}
