import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { LogRecord } from '@cloudsage/schema';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/services/dispatch/dispatcher.js';
import { claimJob } from '../../src/services/dispatch/job-queue.js';
import { MAX_WINDOW_TRIES, parkWindow, scoringState } from '../../src/services/dispatch/parked-windows.js';
import { BatchSummary } from '../../src/services/ingest/batch-summary.js';
import { commitBatch } from '../../src/services/ingest/commit-batch.js';
import type { SkippedInput } from '../../src/services/logs/batch-reader.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { openTestSql, SQL_DIALECTS, seedProjects, type TestSql } from '../support/sql-stores.js';
import { FakeWorker } from './fake-worker.js';

const gzipAsync = promisify(gzip);
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);

describe.each(SQL_DIALECTS)('dispatcher on %s', (dialect) => {
  let t: TestSql;
  let bucket: DirBucket;
  let worker: FakeWorker;
  let now = T0;
  const log = pino({ level: 'silent' });

  beforeEach(async () => {
    t = await openTestSql(dialect);
    bucket = new DirBucket(t.dataDir);
    worker = new FakeWorker();
    await worker.start();
    now = T0;
    await seedProjects(t.store, T0, [{ id: 'p1' }, { id: 'p2' }]);
  });

  afterEach(async () => {
    await worker.stop();
    await t.dispose();
  });

  function dispatcher(extra: Partial<ConstructorParameters<typeof Dispatcher>[0]> = {}): Dispatcher {
    return new Dispatcher({
      sql: t.store,
      bucket,
      worker: { url: worker.url, apiKey: 'k', timeoutMs: 500 },
      log,
      windowMs: MIN,
      graceMs: 1_000,
      now: () => now,
      random: () => 0.5,
      backoffBaseMs: 1_000,
      ...extra,
    });
  }

  /**
   * Writes a batch the way ingest does: object in the bucket, then its row. `body` replaces the
   * object's bytes (a torn or corrupt object), `lines` its lines.
   */
  async function addBatch(
    projectId: string,
    receivedAt: number,
    levels: LogRecord['level'][],
    damage: { lines?: (lines: string[]) => string[]; body?: Buffer } = {},
  ): Promise<void> {
    const id = `b_${Math.random().toString(36).slice(2)}`;
    const records = levels.map((level, i) => ({
      time: new Date(receivedAt + i).toISOString(),
      level,
      msg: `${level} ${i}`,
    }));
    const key = `logs/${projectId}/x/${id}.ndjson.gz`;
    const lines = (damage.lines ?? ((x) => x))(records.map((r) => JSON.stringify(r)));
    await bucket.put(key, damage.body ?? (await gzipAsync(lines.join('\n') + '\n')));
    const count = (l: string) => levels.filter((x) => x === l).length;
    await t.store.db
      .insertInto('ingest_batches')
      .values({
        id,
        project_id: projectId,
        key_id: null,
        object_key: key,
        idempotency_key: null,
        received_at: receivedAt,
        min_time: receivedAt,
        max_time: receivedAt,
        records: levels.length,
        rejected: 0,
        bytes: 0,
        count_trace: count('trace'),
        count_debug: count('debug'),
        count_info: count('info'),
        count_warn: count('warn'),
        count_error: count('error'),
        count_fatal: count('fatal'),
        dropped_overflow: 0,
        dropped_oversize: 0,
        dropped_before_send: 0,
        response: '{}',
      })
      .execute();
  }

  async function addJob(projectId: string, from: number, to: number): Promise<void> {
    await t.store.db
      .insertInto('scoring_jobs')
      .values({
        id: `j_${Math.random().toString(36).slice(2)}`,
        project_id: projectId,
        window_start: from,
        window_end: to,
        status: 'pending',
        attempts: 0,
        due_at: from + MIN,
        claimed_by: null,
        lease_until: null,
        last_error: null,
        created_at: from,
        updated_at: from,
      })
      .execute();
  }

  const history = (projectId = 'p1') =>
    t.store.db
      .selectFrom('risk_history')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('window_start')
      .execute();
  const jobs = () => t.store.db.selectFrom('scoring_jobs').selectAll().orderBy('created_at').execute();

  it('scores each complete window once, with its own records, and stores the baseline', async () => {
    await addBatch('p1', T0 + 5_000, ['info', 'error', 'error']);
    await addBatch('p1', T0 + MIN + 5_000, ['info', 'info']);
    await addBatch('p1', T0 + 2 * MIN + 5_000, ['error']);
    await addJob('p1', T0, T0 + 3 * MIN);
    now = T0 + 2 * MIN + 30_000; // the third window is still open
    const d = dispatcher();
    expect(await d.runOnce()).toBe(true);
    const rows = await history();
    expect(rows.map((r) => [r.window_start - T0, r.score])).toEqual([
      [0, 2],
      [MIN, 0],
    ]);
    expect(worker.calls.map((c) => c.logs.length)).toEqual([3, 2]);
    // The open window waits in a pending job due after it closes.
    const [job] = await jobs();
    expect(job).toMatchObject({ status: 'pending', window_start: T0 + 2 * MIN });
    expect(await d.runOnce()).toBe(false);
    now = T0 + 3 * MIN + 5_000;
    expect(await d.runOnce()).toBe(true);
    expect((await history()).length).toBe(3);
    expect((await jobs())[0]?.status).toBe('done');
    const baseline = await t.store.db
      .selectFrom('memory')
      .selectAll()
      .where('project_id', '=', 'p1')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(baseline.value).windows).toBe(3);
    // A re-run of the same windows (e.g. after a crash) writes nothing new.
    await addJob('p1', T0, T0 + 3 * MIN);
    expect(await d.runOnce()).toBe(true);
    expect((await history()).length).toBe(3);
    expect(worker.calls.length).toBe(3);
  });

  it('writes a No Data point when a project that usually sends misses five windows, once a window', async () => {
    for (let m = 0; m < 12; m++) await addBatch('p1', T0 + m * MIN + 5_000, ['info', 'info']);
    for (let m = 0; m < 3; m++) await addBatch('p2', T0 + m * MIN + 5_000, ['info']);
    await addJob('p1', T0, T0 + 12 * MIN);
    await addJob('p2', T0, T0 + 3 * MIN);
    const told: { projectId: string; labels: string[]; score: number }[] = [];
    now = T0 + 12 * MIN + 5_000;
    const d = dispatcher({
      onScore: (projectId, p) => void told.push({ projectId, labels: p.labels, score: p.score }),
    });
    while (await d.runOnce()) {}
    expect((await history('p1')).length).toBe(12);
    told.length = 0;

    now = T0 + 16 * MIN + 1_500; // four windows quiet after the last batch
    expect(await d.sweepNoData()).toBe(0);
    now = T0 + 17 * MIN + 1_500; // five
    expect(await d.sweepNoData()).toBe(1);
    expect(await d.sweepNoData()).toBe(0); // the same window is written once
    expect(told).toEqual([{ projectId: 'p1', labels: ['No Data'], score: 60 }]);
    const [point] = (await history('p1')).slice(-1);
    expect(point?.window_start).toBe(T0 + 16 * MIN);
    expect(JSON.parse(point?.explanations ?? '[]')[0].message).toBe(
      'No records for 5 minutes; this project usually sends every minute',
    );
    now += MIN;
    expect(await d.sweepNoData()).toBe(1);
    // p2 has too little history for its silence to mean anything.
    expect((await history('p2')).every((r) => !r.labels.includes('No Data'))).toBe(true);

    // Back to sending: no more No Data points.
    await addBatch('p1', now - 2_000, ['info']);
    now += MIN;
    expect(await d.sweepNoData()).toBe(0);
  });

  it('reads the usual cadence: a project sending every ten minutes is not silent after five', async () => {
    for (let m = 0; m < 12; m++) await addBatch('p1', T0 + m * 10 * MIN + 5_000, ['info']);
    await addJob('p1', T0, T0 + 120 * MIN);
    now = T0 + 120 * MIN + 5_000;
    const d = dispatcher();
    while (await d.runOnce()) {}
    now = T0 + 160 * MIN + 1_500;
    expect(await d.sweepNoData()).toBe(0);
    now = T0 + 162 * MIN + 1_500;
    expect(await d.sweepNoData()).toBe(1);
  });

  it('keeps jobs while the worker is down and scores every window once it is back', async () => {
    const port = worker.port;
    await worker.stop();
    for (let m = 0; m < 3; m++) await addBatch('p1', T0 + m * MIN + 1_000, ['error']);
    await addJob('p1', T0, T0 + 3 * MIN);
    now = T0 + 4 * MIN;
    const d = dispatcher();
    expect(await d.runOnce()).toBe(true);
    let [job] = await jobs();
    expect(job).toMatchObject({ status: 'pending', attempts: 1 });
    expect(job?.last_error).toMatch(/unreachable/);
    expect(job!.due_at).toBeGreaterThan(now);
    // Still down a minute later: the backoff grows.
    now = job!.due_at;
    await d.runOnce();
    [job] = await jobs();
    expect(job).toMatchObject({ status: 'pending', attempts: 2 });
    await worker.start(port);
    now = job!.due_at;
    await d.runOnce();
    expect((await history()).map((r) => r.window_start - T0)).toEqual([0, MIN, 2 * MIN]);
    expect((await jobs())[0]?.status).toBe('done');
  });

  it.each(['slow', 'error500', 'garbage', 'bad-shape'] as const)('retries when the worker is %s', async (mode) => {
    worker.mode = mode;
    worker.slowMs = 1_500;
    await addBatch('p1', T0 + 1_000, ['error']);
    await addJob('p1', T0, T0 + MIN);
    now = T0 + 2 * MIN;
    const d = dispatcher();
    await d.runOnce();
    expect(await history()).toEqual([]);
    const [job] = await jobs();
    expect(job).toMatchObject({ status: 'pending', attempts: 1 });
    worker.mode = 'ok';
    now = job!.due_at;
    await d.runOnce();
    expect((await history()).length).toBe(1);
  });

  it('hands a job back with a backoff when the store fails mid-job, instead of holding it for the lease', async () => {
    await addBatch('p1', T0 + 1_000, ['error']);
    await addJob('p1', T0, T0 + MIN);
    now = T0 + 2 * MIN;
    const get = bucket.get.bind(bucket);
    bucket.get = async () => {
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    };
    const d = dispatcher();
    expect(await d.runOnce()).toBe(true);
    const [job] = await jobs();
    expect(job).toMatchObject({ status: 'pending', attempts: 1, claimed_by: null });
    expect(job?.last_error).toMatch(/EIO/);
    expect(job!.due_at).toBeGreaterThan(now);
    expect(job!.due_at).toBeLessThan(now + 120_000);
    bucket.get = get;
    now = job!.due_at;
    expect(await d.runOnce()).toBe(true);
    expect((await history()).length).toBe(1);
    expect((await jobs())[0]?.status).toBe('done');
  });

  it('skips a window the worker rejects as invalid instead of retrying forever', async () => {
    worker.mode = 'reject400';
    await addBatch('p1', T0 + 1_000, ['error']);
    await addJob('p1', T0, T0 + MIN);
    now = T0 + 2 * MIN;
    await dispatcher().runOnce();
    expect((await jobs())[0]?.status).toBe('done');
    expect(await history()).toEqual([]);
  });

  it('re-runs the job of a dispatcher that died mid-job, without a second history row', async () => {
    for (let m = 0; m < 2; m++) await addBatch('p1', T0 + m * MIN + 1_000, ['error', 'error']);
    await addJob('p1', T0, T0 + 2 * MIN);
    now = T0 + 3 * MIN;
    // Another replica claimed the job, scored window 0, then died: its claim stays until the lease ends.
    expect(await claimJob(t.store.db, t.store.dialect, 'dead-replica', now, 10_000)).toBeDefined();
    await windowScoredByDeadReplica();
    // While the lease holds, nobody else takes the project's work.
    const alive = dispatcher();
    expect(await alive.runOnce()).toBe(false);
    now += 11_000;
    expect(await alive.runOnce()).toBe(true);
    const rows = await history();
    expect(rows.map((r) => r.window_start - T0)).toEqual([0, MIN]);
    expect(worker.calls.filter((c) => c.metadata.window.from === new Date(T0).toISOString()).length).toBe(0);

    async function windowScoredByDeadReplica(): Promise<void> {
      await t.store.db
        .insertInto('risk_history')
        .values({
          id: 'r_dead',
          project_id: 'p1',
          window_start: T0,
          timestamp: T0 + MIN,
          score: 2,
          labels: '[]',
          signals: '{}',
          explanations: '[]',
          created_at: now,
        })
        .execute();
    }
  });

  it('samples a huge window down to the bound, keeping every warn-and-above record', async () => {
    const levels: LogRecord['level'][] = [];
    for (let i = 0; i < 1_000; i++) levels.push(i % 25 === 0 ? 'error' : i % 50 === 1 ? 'warn' : 'info');
    await addBatch('p1', T0 + 1_000, levels);
    await addJob('p1', T0, T0 + MIN);
    now = T0 + 2 * MIN;
    await dispatcher({ maxRecordsPerWindow: 200 }).runOnce();
    const [call] = worker.calls;
    const severe = levels.filter((l) => l !== 'info').length;
    expect(call?.logs.filter((l) => l.level !== 'info').length).toBe(severe);
    expect(call?.logs.length).toBeLessThanOrEqual(200);
    expect(call?.logs.length).toBeGreaterThan(190);
    expect(call?.metadata.totalRecords).toBe(1_000);
    expect(call?.metadata.samplingRatio).toBeCloseTo((200 - severe) / (1_000 - severe), 5);
  });

  it('scores a window without its torn line and tells onSkipped', async () => {
    // Line 1 torn mid-write; line 3 some other writer's line.
    await addBatch('p1', T0 + 1_000, ['error', 'error', 'error', 'info'], {
      lines: (l) => [l[0]!, l[1]!.slice(0, 12), l[2]!, '{"note":"not a record"}'],
    });
    await addJob('p1', T0, T0 + MIN);
    now = T0 + 2 * MIN;
    const skipped: SkippedInput[] = [];
    await dispatcher({ onSkipped: (s) => skipped.push(s) }).runOnce();
    expect(worker.calls.map((c) => c.logs.map((l) => l.msg))).toEqual([['error 0', 'error 2']]);
    expect((await history()).map((r) => r.score)).toEqual([2]);
    expect(skipped).toEqual([{ lines: 2, unreadableObjects: 0 }]);
  });

  it(`parks a window whose object cannot be read after ${MAX_WINDOW_TRIES} tries and scores the later windows`, async () => {
    await addBatch('p1', T0 + 1_000, ['error'], { body: Buffer.from('not gzip: a corrupt object') });
    await addBatch('p1', T0 + MIN + 1_000, ['error', 'error']);
    await addJob('p1', T0, T0 + 2 * MIN);
    now = T0 + 3 * MIN;
    const d = dispatcher();
    for (let tries = 1; tries < MAX_WINDOW_TRIES; tries++) {
      expect(await d.runOnce()).toBe(true);
      const [job] = await jobs();
      expect(job).toMatchObject({ status: 'pending', window_start: T0, window_failures: tries });
      expect(job?.last_error).toMatch(/unreadable/);
      expect(await history()).toEqual([]);
      now = job!.due_at;
    }
    expect(await d.runOnce()).toBe(true);
    const parked = (await jobs()).filter((j) => j.status === 'parked');
    expect(parked).toEqual([
      expect.objectContaining({ window_start: T0, window_end: T0 + MIN, window_failures: MAX_WINDOW_TRIES }),
    ]);
    expect(parked[0]?.last_error).toMatch(/unreadable/);
    // The next window of the project was scored in the same run, and the job is done.
    expect((await history()).map((r) => [r.window_start - T0, r.score])).toEqual([[MIN, 2]]);
    expect((await jobs()).filter((j) => j.status !== 'parked').map((j) => j.status)).toEqual(['done']);
    expect(worker.calls.length).toBe(1);
    // A parked window is not claimed again.
    now += 10 * MIN;
    expect(await d.runOnce()).toBe(false);
    expect(await scoringState(t.store.db, 'p1')).toEqual({ parkedWindows: 1, lastError: parked[0]?.last_error });
    expect(await scoringState(t.store.db, 'p2')).toEqual({ parkedWindows: 0 });
  });

  it('keeps one parked row when a window is parked twice, and moves the job past it', async () => {
    await addJob('p1', T0, T0 + 3 * MIN);
    now = T0 + 4 * MIN;
    const job = await claimJob(t.store.db, t.store.dialect, 'd_test', now, 60_000);
    await parkWindow(t.store.db, job!, T0, MIN, MAX_WINDOW_TRIES, 'unreadable: first', now);
    await parkWindow(t.store.db, job!, T0, MIN, MAX_WINDOW_TRIES, 'unreadable: again', now + 1);
    const rows = await jobs();
    expect(rows.filter((j) => j.status === 'parked').map((j) => j.last_error)).toEqual(['unreadable: first']);
    expect(rows.find((j) => j.id === job!.id)).toMatchObject({ window_start: T0 + MIN, window_failures: 0 });
  });

  it('does not count worker outages as tries of a window', async () => {
    worker.mode = 'error500';
    await addBatch('p1', T0 + 1_000, ['error']);
    await addJob('p1', T0, T0 + MIN);
    now = T0 + 2 * MIN;
    const d = dispatcher();
    for (let i = 0; i < MAX_WINDOW_TRIES + 1; i++) {
      await d.runOnce();
      now = (await jobs())[0]!.due_at;
    }
    expect(await jobs()).toEqual([expect.objectContaining({ status: 'pending', window_failures: 0 })]);
    worker.mode = 'ok';
    await d.runOnce();
    expect((await history()).length).toBe(1);
  });

  it('lets several dispatchers run at once and still scores every window exactly once', async () => {
    for (const p of ['p1', 'p2']) {
      for (let m = 0; m < 4; m++) await addBatch(p, T0 + m * MIN + 1_000, ['error']);
      await addJob(p, T0, T0 + 4 * MIN);
    }
    now = T0 + 5 * MIN;
    const ds = [dispatcher(), dispatcher(), dispatcher()];
    for (let round = 0; round < 4; round++) await Promise.all(ds.map((d) => d.runOnce()));
    for (const p of ['p1', 'p2']) expect((await history(p)).length).toBe(4);
    const keys = worker.calls.map((c) => `${c.projectId}@${c.metadata.window.from}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(8);
  });
  /** Ingests a batch the way ingest does: its object in the bucket, then `commitBatch` (rows and job). */
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

  // A batch is stamped when its request arrives and committed after its object is in the bucket. When
  // that takes longer than the grace (a cold connection, a slow upload), its window may be scored, or
  // passed over as empty, by then: the state the scale-out test was left in once under CI load (its
  // first window unscored, no job open or running, no error).
  it('scores the window of a batch committed late, and scores a window scored before no second time', async () => {
    const d = dispatcher();
    const scored = async () => (await history()).map((r) => (r.window_start - T0) / MIN);
    // Minute 0 is scored with the one batch that had landed; minute 1's batch opens the next job.
    await ingest(T0 + 5_000, ['info']);
    now = T0 + MIN + 2_000;
    await ingest(T0 + MIN + 1_000, ['info', 'error']);
    expect(await d.runOnce()).toBe(true);
    expect(await scored()).toEqual([0]);
    now = T0 + 2 * MIN + 2_000;
    expect(await d.runOnce()).toBe(true);
    expect(await scored()).toEqual([0, 1]);
    // Minute 3's batch opens a job; then two stamped in minutes 2 and 0 land, minutes late.
    now = T0 + 3 * MIN + 30_000;
    await ingest(T0 + 3 * MIN + 1_000, ['info']);
    await ingest(T0 + 2 * MIN + 50_000, ['error']);
    await ingest(T0 + 50_000, ['error']);
    now = T0 + 4 * MIN + 2_000;
    expect(await d.runOnce()).toBe(true);
    expect(await d.runOnce()).toBe(false);
    // Minute 2 (never scored) is scored late; minute 0 keeps its one score.
    expect(await scored()).toEqual([0, 1, 2, 3]);
    expect(worker.calls.map((c) => (Date.parse(c.metadata.window.from) - T0) / MIN)).toEqual([0, 1, 2, 3]);
  });
});
