import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { type LogRecord, SCORE_NDJSON_CONTENT_TYPE } from '@cloudsage/schema';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/services/dispatch/dispatcher.js';
import { callWorker, type ScoreCall, type WorkerClientOptions } from '../../src/services/dispatch/worker-client.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { WorkerProcess } from '../faults/support/worker-process.js';
import { openTestSql, seedProjects, type TestSql } from '../support/sql-stores.js';

// The dispatcher sends a window in the stored form (gzip NDJSON) once the worker says it takes it, and
// falls back to JSON when a worker answers 415. Against the real worker (its build, as its own
// process), the two forms must score a window the same, sampled or not.

const gzipAsync = promisify(gzip);
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const KEY = 'stored-form-key-0123456789';

/** A varied window: requests with latencies and status codes, some errors and warnings, a heap reading. */
function windowRecords(at: number, n: number, seed: number): LogRecord[] {
  let s = seed;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const out: LogRecord[] = [];
  for (let i = 0; i < n; i++) {
    const time = new Date(at + Math.floor((i * 50_000) / n)).toISOString();
    const u = rnd();
    if (u < 0.05)
      out.push({
        time,
        level: 'error',
        msg: `connect ECONNREFUSED 10.0.0.${1 + Math.floor(rnd() * 4)}:6379`,
        service: 'orders',
      });
    else if (u < 0.1)
      out.push({
        time,
        level: 'warn',
        msg: 'slow query',
        service: 'orders',
        attributes: { durationMs: Math.round(200 + rnd() * 800) },
      });
    else {
      out.push({
        time,
        level: 'info',
        msg: 'request completed',
        service: rnd() < 0.5 ? 'gateway' : 'orders',
        host: 'web-1',
        attributes: { res: { statusCode: rnd() < 0.02 ? 503 : 200 }, responseTime: Math.round(20 + rnd() * 60) },
      });
    }
  }
  out.push({
    time: new Date(at).toISOString(),
    level: 'debug',
    msg: 'memory usage',
    attributes: { heapUsed: 150 * 1048576 },
  });
  return out;
}

/** A fetch that notes the content type of every request it sends. */
function notingFetch(types: string[]): typeof fetch {
  return (input, init) => {
    types.push(String(new Headers(init?.headers).get('content-type')));
    return fetch(input, init);
  };
}

let worker: WorkerProcess;
beforeAll(async () => {
  worker = await WorkerProcess.start(KEY);
}, 120_000);
afterAll(async () => {
  await worker?.kill();
});

describe('callWorker and the stored form, against the real worker', () => {
  it('sends JSON first, the stored form once the worker names it, and both score the same', async () => {
    const types: string[] = [];
    const options: WorkerClientOptions = { url: worker.url, apiKey: KEY, timeoutMs: 20_000, fetch: notingFetch(types) };
    const call: ScoreCall = {
      projectId: 'p1',
      logs: windowRecords(T0, 1_500, 7),
      window: { from: new Date(T0).toISOString(), to: new Date(T0 + MIN).toISOString() },
      baseline: undefined,
      samplingRatio: 1,
      totalRecords: 1_501,
    };
    const first = await callWorker(options, call);
    const second = await callWorker(options, call);
    expect(types).toEqual(['application/json', SCORE_NDJSON_CONTENT_TYPE]);
    expect(first.ok && second.ok).toBe(true);
    if (first.ok && second.ok) {
      expect(second.result).toEqual(first.result);
      expect(first.result.score).toBeGreaterThan(0);
      // With the first window's baseline, too: the envelope carries it in the stored form.
      const next = { ...call, baseline: first.result.baseline };
      const json = await callWorker({ ...options }, next);
      const stored = await callWorker(options, next);
      expect(types.slice(2)).toEqual(['application/json', SCORE_NDJSON_CONTENT_TYPE]);
      expect(json.ok && stored.ok && stored.result).toEqual(json.ok && json.result);
    }
  });
});

describe('the dispatcher against the real worker', () => {
  let t: TestSql;
  let bucket: DirBucket;
  const log = pino({ level: 'silent' });

  beforeEach(async () => {
    t = await openTestSql('sqlite');
    bucket = new DirBucket(t.dataDir);
    await seedProjects(t.store, T0, [{ id: 'p1' }, { id: 'p2' }]);
  });
  afterEach(async () => {
    await t.dispose();
  });

  /** Stores `records` as batches of 200 the way ingest does (object, then its row). */
  async function addBatches(projectId: string, receivedAt: number, records: LogRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 200) {
      const part = records.slice(i, i + 200);
      const id = `b_${projectId}_${receivedAt}_${i}`;
      const key = `logs/${projectId}/x/${id}.ndjson.gz`;
      await bucket.put(key, await gzipAsync(part.map((r) => `${JSON.stringify(r)}\n`).join('')));
      const count = (l: string) => part.filter((r) => r.level === l).length;
      await t.store.db
        .insertInto('ingest_batches')
        .values({
          id,
          project_id: projectId,
          key_id: null,
          object_key: key,
          idempotency_key: null,
          received_at: receivedAt + i,
          min_time: receivedAt,
          max_time: receivedAt,
          records: part.length,
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
  }

  async function addJob(projectId: string, from: number, to: number): Promise<void> {
    await t.store.db
      .insertInto('scoring_jobs')
      .values({
        id: `j_${projectId}_${from}`,
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

  const history = (projectId: string) =>
    t.store.db
      .selectFrom('risk_history')
      .select(['window_start', 'score', 'labels', 'signals', 'explanations'])
      .where('project_id', '=', projectId)
      .orderBy('window_start')
      .execute();

  it.each([
    ['whole windows', 10_000],
    ['windows sampled down to a bound', 600],
  ])('scores %s the same in JSON (first call) and in the stored form (after)', async (_name, maxRecordsPerWindow) => {
    // The same two windows for both projects: a busy one and a quieter one.
    for (const projectId of ['p1', 'p2']) {
      await addBatches(projectId, T0 + 1_000, windowRecords(T0, 1_800, 11));
      await addBatches(projectId, T0 + MIN + 1_000, windowRecords(T0 + MIN, 900, 12));
    }
    const types: string[] = [];
    const d = new Dispatcher({
      sql: t.store,
      bucket,
      worker: { url: worker.url, apiKey: KEY, timeoutMs: 20_000, fetch: notingFetch(types) },
      log,
      windowMs: MIN,
      graceMs: 1_000,
      now: () => T0 + 2 * MIN + 5_000,
      random: () => 0.5,
      maxRecordsPerWindow,
    });
    await addJob('p1', T0, T0 + 2 * MIN);
    expect(await d.runOnce()).toBe(true);
    await addJob('p2', T0, T0 + 2 * MIN);
    expect(await d.runOnce()).toBe(true);
    // p1's first window went as JSON; everything after, in the stored form.
    expect(types).toEqual(['application/json', ...Array(3).fill(SCORE_NDJSON_CONTENT_TYPE)]);
    const p1 = await history('p1');
    expect(p1.length).toBe(2);
    expect(await history('p2')).toEqual(p1);
    expect(p1[0]!.score).toBeGreaterThan(0);
  });
});

/**
 * A scoring worker as it was before the stored form, behind a switch: `/score` with the old worker's
 * content-type check (415 for anything but JSON, no Accept-Post), or, switched to `new`, one that takes
 * both forms and says so, as a replica of the new release behind the same address would.
 */
class MixedFleet {
  replica: 'old' | 'new' = 'new';
  readonly seen: string[] = [];
  #app: FastifyInstance | undefined;

  async start(): Promise<string> {
    const app = Fastify({ logger: false });
    app.addContentTypeParser(SCORE_NDJSON_CONTENT_TYPE, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.post(
      '/score',
      {
        onRequest: async (req, reply) => {
          const type = req.headers['content-type'] ?? '';
          this.seen.push(`${this.replica} ${type}`);
          if (this.replica === 'new') reply.header('accept-post', `application/json, ${SCORE_NDJSON_CONTENT_TYPE}`);
          else if (!type.toLowerCase().startsWith('application/json')) {
            return reply
              .status(415)
              .send({ error: { code: 'unsupported_media_type', message: 'send the request as application/json' } });
          }
        },
      },
      async () => ({
        score: 5,
        labels: [],
        timestamp: new Date(T0 + MIN).toISOString(),
        signals: {},
        explanations: [],
      }),
    );
    this.#app = app;
    return app.listen({ port: 0, host: '127.0.0.1' });
  }

  close(): Promise<void> {
    return this.#app?.close() ?? Promise.resolve();
  }
}

describe('falling back to JSON', () => {
  const call: ScoreCall = {
    projectId: 'p1',
    logs: windowRecords(T0, 20, 3),
    window: { from: new Date(T0).toISOString(), to: new Date(T0 + MIN).toISOString() },
    baseline: undefined,
    samplingRatio: 1,
    totalRecords: 21,
  };

  it('resends a window refused with 415 as JSON at once, and keeps to JSON until a worker names the stored form', async () => {
    const fleet = new MixedFleet();
    const url = await fleet.start();
    try {
      const options: WorkerClientOptions = { url, apiKey: KEY, timeoutMs: 5_000 };
      expect((await callWorker(options, call)).ok).toBe(true); // learns from the new replica
      fleet.replica = 'old';
      expect((await callWorker(options, call)).ok).toBe(true); // 415, then JSON
      expect((await callWorker(options, call)).ok).toBe(true); // JSON straight away
      fleet.replica = 'new';
      expect((await callWorker(options, call)).ok).toBe(true); // JSON, and the new replica says it takes both
      expect((await callWorker(options, call)).ok).toBe(true);
      expect(fleet.seen).toEqual([
        'new application/json',
        `old ${SCORE_NDJSON_CONTENT_TYPE}`,
        'old application/json',
        'old application/json',
        'new application/json',
        `new ${SCORE_NDJSON_CONTENT_TYPE}`,
      ]);
    } finally {
      await fleet.close();
    }
  });

  it('never sends the stored form to a worker that does not name it', async () => {
    const fleet = new MixedFleet();
    fleet.replica = 'old';
    const url = await fleet.start();
    try {
      const options: WorkerClientOptions = { url, apiKey: KEY, timeoutMs: 5_000 };
      for (let i = 0; i < 3; i++) expect((await callWorker(options, call)).ok).toBe(true);
      expect(fleet.seen).toEqual(Array(3).fill('old application/json'));
    } finally {
      await fleet.close();
    }
  });
});
