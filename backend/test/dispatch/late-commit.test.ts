import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { LogRecord } from '@cloudsage/schema';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/services/dispatch/dispatcher.js';
import { BatchSummary } from '../../src/services/ingest/batch-summary.js';
import { commitBatch } from '../../src/services/ingest/commit-batch.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { openTestSql, SQL_DIALECTS, seedProjects, type TestSql } from '../support/sql-stores.js';
import { FakeWorker } from './fake-worker.js';

/*
 * A batch is stamped when its request arrives and committed after its object is in the bucket. When
 * that takes longer than the dispatcher's grace (a cold connection, a slow upload), its window may
 * already be scored, empty, by then: the state the scale-out test was left in once under CI load (its
 * first window unscored, no job open or running, no error).
 */

const gzipAsync = promisify(gzip);
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);

describe.each(SQL_DIALECTS)('a batch committed after its window was scored (%s)', (dialect) => {
  let t: TestSql;
  let bucket: DirBucket;
  let worker: FakeWorker;
  let now = T0;

  beforeEach(async () => {
    t = await openTestSql(dialect);
    bucket = new DirBucket(t.dataDir);
    worker = new FakeWorker();
    await worker.start();
    await seedProjects(t.store, T0);
  });

  afterEach(async () => {
    await worker.stop();
    await t.dispose();
  });

  /** Ingests a batch the way ingest does: its object in the bucket, then `commitBatch`. */
  async function ingest(receivedAt: number, levels: LogRecord['level'][]): Promise<void> {
    const batchId = `b${receivedAt}`;
    const summary = new BatchSummary();
    const records = levels.map((level, i) => ({ time: new Date(receivedAt + i).toISOString(), level, msg: `m${i}` }));
    for (const r of records) summary.add(r, 40);
    const objectKey = `logs/p1/x/${batchId}.ndjson.gz`;
    await bucket.put(objectKey, await gzipAsync(`${records.map((r) => JSON.stringify(r)).join('\n')}\n`));
    await commitBatch(t.store, {
      batchId,
      projectId: 'p1',
      keyId: null,
      objectKey,
      idempotencyKey: undefined,
      idempotencyCutoff: receivedAt - 86_400_000,
      receivedAt,
      summary,
      rejected: 0,
      dropped: { overflow: 0, oversize: 0, before_send: 0 },
      response: { batchId, accepted: levels.length, rejected: 0, errors: [] },
      scoreWindowMs: MIN,
    });
  }

  const scoredWindows = async () =>
    (
      await t.store.db
        .selectFrom('risk_history')
        .select('window_start')
        .where('project_id', '=', 'p1')
        .orderBy('window_start')
        .execute()
    ).map((r) => (r.window_start - T0) / MIN);

  function dispatcher(): Dispatcher {
    return new Dispatcher({
      sql: t.store,
      bucket,
      worker: { url: worker.url, apiKey: 'k', timeoutMs: 500 },
      log: pino({ level: 'silent' }),
      windowMs: MIN,
      graceMs: 1_000,
      now: () => now,
      random: () => 0.5,
    });
  }

  it('scores its window once the next job runs, and a window scored before is not scored again', async () => {
    const d = dispatcher();
    // Minute 0 is scored with the one batch that had landed; minute 1's batch opens the next job.
    await ingest(T0 + 5_000, ['info']);
    now = T0 + MIN + 2_000;
    await ingest(T0 + MIN + 1_000, ['info', 'error']);
    expect(await d.runOnce()).toBe(true);
    expect(await scoredWindows()).toEqual([0]);
    now = T0 + 2 * MIN + 2_000;
    expect(await d.runOnce()).toBe(true);
    expect(await scoredWindows()).toEqual([0, 1]);
    // Minute 3's batch opens a job; then two stamped in minutes 2 and 0 land, minutes late.
    now = T0 + 3 * MIN + 30_000;
    await ingest(T0 + 3 * MIN + 1_000, ['info']);
    await ingest(T0 + 2 * MIN + 50_000, ['error']);
    await ingest(T0 + 50_000, ['error']);
    now = T0 + 4 * MIN + 2_000;
    expect(await d.runOnce()).toBe(true);
    expect(await d.runOnce()).toBe(false);
    // Minute 2 (never scored) is scored late; minute 0 keeps its one score.
    expect(await scoredWindows()).toEqual([0, 1, 2, 3]);
    expect(worker.calls.map((c) => (Date.parse(c.metadata.window.from) - T0) / MIN)).toEqual([0, 1, 2, 3]);
  });
});
