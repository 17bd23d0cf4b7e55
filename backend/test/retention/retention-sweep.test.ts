import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionJob } from '../../src/services/retention/retention-job.js';
import { sweepRetention } from '../../src/services/retention/retention-sweep.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { forecastObjectKey } from '../../src/store/forecast-store.js';
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
  async function forecastOn(id: string, date: string, createdAt: number): Promise<void> {
    await t.sql.store.db
      .insertInto('forecasts')
      .values({ id, project_id: projectId, date, payload: '{}', generated_by: 'builtin', created_at: createdAt })
      .execute();
    // The store keeps a JSON copy of each day's forecast in the bucket.
    await bucket.put(forecastObjectKey(projectId, date), new TextEncoder().encode('{}'));
  }
  async function feedbackOn(id: string, forecastId: string, createdAt: number): Promise<void> {
    await t.sql.store.db
      .insertInto('forecast_feedback')
      .values({ id, forecast_id: forecastId, project_id: projectId, accurate: 1, created_at: createdAt })
      .execute();
  }
  async function counterAt(key: string, windowStart: number): Promise<void> {
    await t.sql.store.db.insertInto('rate_limits').values({ key, window_start: windowStart, count: 1 }).execute();
  }
  const ids = async (table: 'forecasts' | 'forecast_feedback') =>
    (await t.sql.store.db.selectFrom(table).select('id').orderBy('id').execute()).map((r) => r.id);
  const counterKeys = async () =>
    (await t.sql.store.db.selectFrom('rate_limits').select('key').orderBy('key').execute()).map((r) => r.key);
  const nothing = {
    batches: 0,
    objects: 0,
    minuteMetrics: 0,
    riskHistory: 0,
    forecasts: 0,
    forecastFeedback: 0,
    rateLimits: 0,
    more: false,
  };
  const counts = async () => {
    const db = t.sql.store.db;
    const n = async (
      table: 'ingest_batches' | 'minute_metrics' | 'risk_history' | 'forecasts' | 'forecast_feedback' | 'rate_limits',
    ) =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      batches: await n('ingest_batches'),
      minutes: await n('minute_metrics'),
      risk: await n('risk_history'),
      forecasts: await n('forecasts'),
      feedback: await n('forecast_feedback'),
      counters: await n('rate_limits'),
    };
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
    // Forecasts of the first day (with feedback given 20 days later), of the 6th (feedback the same
    // day) and of today (feedback today). The 6th becomes the cutoff's own day below.
    await forecastOn('f_oct01', '2026-10-01', T0);
    await feedbackOn('fb_on_oct01', 'f_oct01', clock.now());
    await forecastOn('f_oct06', '2026-10-06', Date.parse('2026-10-06T00:05:00.000Z'));
    await feedbackOn('fb_oct06', 'f_oct06', Date.parse('2026-10-06T01:00:00.000Z'));
    await forecastOn('f_oct21', '2026-10-21', clock.now());
    await feedbackOn('fb_oct21', 'f_oct21', clock.now());
    // The app's own counters from setting up; the tests below count only theirs.
    await t.sql.store.db.deleteFrom('rate_limits').execute();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps everything inside the window', async () => {
    const removed = await sweepRetention({ db: t.sql.store.db, bucket, now: clock.now(), days: 30, maxBatches: 10 });
    expect(removed).toEqual(nothing);
    expect(await counts()).toEqual({ batches: 4, minutes: 4, risk: 4, forecasts: 3, feedback: 3, counters: 0 });
  });

  it('removes older batches with their objects, minute metrics, risk points, forecasts and feedback, bounded per sweep', async () => {
    const before = await objectKeys();
    clock.advance(15 * DAY); // the old ones are now 35 days old, the recent one 15; the cutoff is Oct 6, 12:03
    // Rate-limit counters of a window started now, of yesterday's UTC day, and of 3 days ago.
    const now = clock.now();
    await counterAt('login:ip:203.0.113.1', now);
    await counterAt('quota:project:yesterday', Math.floor((now - DAY) / DAY) * DAY);
    await counterAt('login:ip:203.0.113.3', now - 3 * DAY);
    const first = await sweepRetention({ db: t.sql.store.db, bucket, now: clock.now(), days: 30, maxBatches: 1 });
    expect(first).toMatchObject({ batches: 1, more: true });
    // The batch's object, and the copy of any forecast the row budget reached.
    expect(first.objects).toBe(1 + first.forecasts);
    expect(first.minuteMetrics + first.riskHistory).toBeLessThanOrEqual(10);

    // Two replicas sweeping at once repeat each other's deletes without failing.
    const job = { db: t.sql.store.db, bucket, now: clock.now(), days: 30, maxBatches: 100 };
    const [a, b] = await Promise.all([sweepRetention(job), sweepRetention(job)]);
    expect(a.batches + b.batches).toBe(2);
    expect(await counts()).toMatchObject({ batches: 1, minutes: 1, risk: 1 });
    // Oct 1 goes with its feedback though that was given inside the window; Oct 6 is the cutoff's
    // day and stays, but its feedback from before the cutoff goes.
    expect(await ids('forecasts')).toEqual(['f_oct06', 'f_oct21']);
    expect(await ids('forecast_feedback')).toEqual(['fb_oct21']);
    expect(await counterKeys()).toEqual(['login:ip:203.0.113.1', 'quota:project:yesterday']);

    const kept = await objectKeys();
    for (const key of before) {
      const body = await bucket.get(key);
      if (kept.includes(key)) expect(body).toBeDefined();
      else expect(body).toBeUndefined();
    }
    // The forecasts' bucket copies go with their rows.
    expect(await bucket.get(forecastObjectKey(projectId, '2026-10-01'))).toBeUndefined();
    expect(await bucket.get(forecastObjectKey(projectId, '2026-10-06'))).toBeDefined();
    expect(await bucket.get(forecastObjectKey(projectId, '2026-10-21'))).toBeDefined();
    const logs = await call(t.url, 'GET', `/api/projects/${projectId}/logs`, { auth: { key: readKey } });
    expect(logs.body.logs.map((r: { msg: string }) => r.msg)).toEqual(['recent']);
    const again = await sweepRetention(job);
    expect(again).toEqual(nothing);
  });

  it('removes stale rate-limit counters even with retention off, bounded per sweep', async () => {
    const now = clock.now();
    for (let i = 0; i < 15; i++) await counterAt(`login:ip:198.51.100.${i}`, now - 3 * DAY);
    const kept = await counts();
    const job = { db: t.sql.store.db, bucket, now, days: 0, maxBatches: 1 };
    expect(await sweepRetention(job)).toEqual({ ...nothing, rateLimits: 10, more: true });
    expect(await sweepRetention(job)).toEqual({ ...nothing, rateLimits: 5 });
    expect(await sweepRetention(job)).toEqual(nothing);
    expect(await counts()).toEqual({ ...kept, counters: kept.counters - 15 });
    expect(await counterKeys()).toContain('quota:project:yesterday');
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
    expect(await x).toMatchObject({ batches: 1, riskHistory: 1, forecasts: 2, forecastFeedback: 1, more: false });
    expect(seen).toHaveLength(1);
    await job.stop();
    expect(await counts()).toEqual({ batches: 0, minutes: 0, risk: 0, forecasts: 0, feedback: 0, counters: 0 });
  });
});
