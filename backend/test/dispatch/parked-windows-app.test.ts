import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/services/dispatch/dispatcher.js';
import { MAX_WINDOW_TRIES } from '../../src/services/dispatch/parked-windows.js';
import { call, newKey, newProject, type Session, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { FakeWorker } from './fake-worker.js';

const MIN = 60_000;

// A window whose batch object is corrupt, seen from outside: the project answers how many of its
// windows are parked and why, and /metrics counts them.
describe('parked scoring windows over HTTP', () => {
  let t: TestApp;
  let worker: FakeWorker;
  let owner: Session;
  let projectId: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { CLOUDSAGE_INGEST_WORKERS: '0' } });
    worker = new FakeWorker();
    await worker.start();
    owner = await signUp(t.url);
    projectId = await newProject(t.url, owner);
  });
  afterAll(async () => {
    await worker.stop();
    await t?.close();
  });

  const project = async () =>
    (await call(t.url, 'GET', `/api/projects/${projectId}`, { auth: { bearer: owner.token } })).body;
  const parkedGauge = async () =>
    /^cloudsage_scoring_parked_windows (\d+)$/m.exec((await call(t.url, 'GET', '/metrics')).text)?.[1];

  it('shows the parked window in GET /api/projects/:id and /metrics, and scores the next window', async () => {
    expect((await project()).scoring).toEqual({ parkedWindows: 0 });
    expect(await parkedGauge()).toBe('0');

    // Two batches in two windows through the real ingest path; then the first object is corrupted.
    const { key } = await newKey(t.url, owner, projectId, ['ingest']);
    for (const msg of ['first', 'second']) {
      const r = await call(t.url, 'POST', '/api/ingest', {
        auth: { key },
        json: { logs: [{ time: new Date().toISOString(), level: 'error', msg }] },
      });
      expect(r.status).toBe(202);
    }
    const db = t.sql.store.db;
    const batches = await db
      .selectFrom('ingest_batches')
      .select(['id', 'object_key', 'received_at'])
      .where('project_id', '=', projectId)
      .orderBy('received_at')
      .execute();
    const [first, second] = batches;
    // The scoring windows follow ingest time; place the second batch one window after the first.
    await db
      .updateTable('ingest_batches')
      .set({ received_at: first!.received_at + MIN })
      .where('id', '=', second!.id)
      .execute();
    const start = Math.floor(first!.received_at / MIN) * MIN;
    await db
      .updateTable('scoring_jobs')
      .set({ window_start: start, window_end: start + 2 * MIN })
      .where('project_id', '=', projectId)
      .execute();
    await t.app.bucket.put(first!.object_key, Buffer.from('corrupt: not gzip'));

    let now = start + 3 * MIN;
    const dispatcher = new Dispatcher({
      sql: t.sql.store,
      bucket: t.app.bucket,
      worker: { url: worker.url, apiKey: 'k', timeoutMs: 2_000 },
      log: pino({ level: 'silent' }),
      windowMs: MIN,
      now: () => now,
      random: () => 0.5,
    });
    for (let tries = 0; tries < MAX_WINDOW_TRIES; tries++) {
      expect(await dispatcher.runOnce()).toBe(true);
      now += 10 * MIN;
    }
    expect(await dispatcher.runOnce()).toBe(false);

    const scoring = (await project()).scoring;
    expect(scoring).toEqual({ parkedWindows: 1, lastError: expect.stringContaining('unreadable') });
    expect(scoring.lastError).toContain(first!.object_key);
    expect(await parkedGauge()).toBe('1');
    expect(worker.calls.map((c) => c.logs.map((l) => l.msg))).toEqual([['second']]);
  });
});
