import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionJob } from '../../src/services/retention/retention-job.js';
import { sweepRetention } from '../../src/services/retention/retention-sweep.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { call, manualClock, newKey, newProject, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-10-01T12:00:00.000Z');

describe.each(SQL_DIALECTS)('retention on %s', (dialect) => {
  let t: TestApp;
  let projectId: string;
  let ingestKey: string;
  let readKey: string;
  let bucket: DirBucket;
  const clock = manualClock(T0);

  async function ingestAt(msg: string): Promise<void> {
    const record = { time: new Date(clock.now()).toISOString(), level: 'info', msg };
    const r = await call(t.url, 'POST', '/api/ingest', {
      auth: { key: ingestKey },
      raw: `${JSON.stringify(record)}\n`,
      contentType: 'application/x-ndjson',
    });
    expect(r.status).toBe(202);
  }
  async function riskPointAt(id: string): Promise<void> {
    const at = clock.now();
    await t.sql.store.db
      .insertInto('risk_history')
      .values({
        id,
        project_id: projectId,
        window_start: at,
        timestamp: at,
        score: 10,
        labels: '[]',
        signals: '{}',
        explanations: '[]',
        created_at: at,
      })
      .execute();
  }
  const counts = async () => {
    const db = t.sql.store.db;
    const n = async (table: 'ingest_batches' | 'minute_metrics' | 'risk_history') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return { batches: await n('ingest_batches'), minutes: await n('minute_metrics'), risk: await n('risk_history') };
  };
  const objectKeys = async () =>
    (await t.sql.store.db.selectFrom('ingest_batches').select('object_key').execute()).map((r) => r.object_key);

  beforeAll(async () => {
    t = await startTestApp({ dialect, now: clock.now, env: { CLOUDSAGE_INGEST_WORKERS: '0' } });
    const owner = await signUp(t.url);
    projectId = await newProject(t.url, owner);
    ingestKey = (await newKey(t.url, owner, projectId, ['ingest'])).key;
    readKey = (await newKey(t.url, owner, projectId, ['read'])).key;
    bucket = new DirBucket(join(t.sql.dataDir, 'bucket'));
    // Three old batches a minute apart, and one 20 days later.
    for (const m of ['old 1', 'old 2', 'old 3']) {
      await ingestAt(m);
      await riskPointAt(`r_${m.replace(' ', '_')}`);
      clock.advance(60_000);
    }
    clock.advance(20 * DAY);
    await ingestAt('recent');
    await riskPointAt('r_recent');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps everything inside the window', async () => {
    const removed = await sweepRetention({ db: t.sql.store.db, bucket, now: clock.now(), days: 30, maxBatches: 10 });
    expect(removed).toEqual({ batches: 0, objects: 0, minuteMetrics: 0, riskHistory: 0, more: false });
    expect(await counts()).toEqual({ batches: 4, minutes: 4, risk: 4 });
  });

  it('removes older batches with their objects, minute metrics and risk points, bounded per sweep', async () => {
    const before = await objectKeys();
    clock.advance(15 * DAY); // the old ones are now 35 days old, the recent one 15
    const first = await sweepRetention({ db: t.sql.store.db, bucket, now: clock.now(), days: 30, maxBatches: 1 });
    expect(first).toMatchObject({ batches: 1, objects: 1, more: true });
    expect(first.minuteMetrics + first.riskHistory).toBeLessThanOrEqual(10);

    // Two replicas sweeping at once repeat each other's deletes without failing.
    const job = { db: t.sql.store.db, bucket, now: clock.now(), days: 30, maxBatches: 100 };
    const [a, b] = await Promise.all([sweepRetention(job), sweepRetention(job)]);
    expect(a.batches + b.batches).toBe(2);
    expect(await counts()).toEqual({ batches: 1, minutes: 1, risk: 1 });

    const kept = await objectKeys();
    for (const key of before) {
      const body = await bucket.get(key);
      if (kept.includes(key)) expect(body).toBeDefined();
      else expect(body).toBeUndefined();
    }
    const logs = await call(t.url, 'GET', `/api/projects/${projectId}/logs`, { auth: { key: readKey } });
    expect(logs.body.logs.map((r: { msg: string }) => r.msg)).toEqual(['recent']);
    const again = await sweepRetention(job);
    expect(again).toEqual({ batches: 0, objects: 0, minuteMetrics: 0, riskHistory: 0, more: false });
  });

  it('RetentionJob reports each sweep and shares one in flight', async () => {
    const seen: unknown[] = [];
    const job = new RetentionJob({
      db: t.sql.store.db,
      bucket,
      log: t.app.log,
      days: 1,
      intervalMs: 60_000,
      maxBatchesPerRun: 10,
      now: () => clock.now() + 30 * DAY,
      onSwept: (r) => seen.push(r),
    });
    const [x, y] = [job.runOnce(), job.runOnce()];
    expect(x).toBe(y);
    expect(await x).toMatchObject({ batches: 1, riskHistory: 1, more: false });
    expect(seen).toHaveLength(1);
    await job.stop();
    expect(await counts()).toEqual({ batches: 0, minutes: 0, risk: 0 });
  });
});
