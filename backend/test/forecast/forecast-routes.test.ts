import { Feedback, Forecast } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  expectError,
  type ManualClock,
  manualClock,
  newKey,
  newProject,
  type Session,
  signUp,
} from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import { seedBaseline, seedBatch, seedMetrics, seedRiskHistory, TEMPLATE } from './store-fixture.js';

const DAY = 86_400_000;

describe.each(SQL_DIALECTS)('forecast routes on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let owner: Session;
  let stranger: Session;
  let projectId: string;

  beforeAll(async () => {
    clock = manualClock(Date.parse('2026-11-25T12:30:00.000Z'));
    t = await startTestApp({ dialect, now: clock.now });
    owner = await signUp(t.url);
    stranger = await signUp(t.url);
    projectId = await newProject(t.url, owner, 'shop');
    const db = t.sql.store.db;
    await seedRiskHistory(db, projectId, clock.now());
    await seedBaseline(db, projectId, clock.now());
    await seedBatch(db, t.app.bucket, projectId, clock.now());
    await seedMetrics(db, projectId, clock.now());
  });

  afterAll(async () => {
    await t?.close();
  });

  const get = (id: string, session: Session, query = '') =>
    call(t.url, 'GET', `/api/forecast/${id}${query}`, { auth: { bearer: session.token } });
  const rows = (id: string) =>
    t.sql.store.db.selectFrom('forecasts').selectAll().where('project_id', '=', id).orderBy('created_at').execute();

  it('answers today’s forecast from the stored facts, cached in the table and the bucket', async () => {
    const first = await get(projectId, owner);
    expect(first.status).toBe(200);
    const f = Forecast.parse(first.body);
    expect(f.projectId).toBe(projectId);
    expect(f.date).toBe('2026-11-25');
    expect(f.generatedBy).toBe('builtin');
    expect(f.predicted.series).toHaveLength(24);
    // Facts from every store: the template from Memory and explanations, its service and endpoint
    // from the raw batch in the bucket, the drop counts from the batch row.
    expect(f.actions[0]).toContain(`\`${TEMPLATE}\``);
    expect(f.actions[0]).toContain('checkout-api');
    expect(f.actions[0]).toContain('POST /api/orders');
    // Counts: 12 flagged windows x 40 lines from the explanations; the lifetime count from the baseline.
    expect(f.actions[0]).toContain('480 lines in flagged windows in 24 h, 1,234 since first seen');
    expect(f.actions[0]).toContain('(25 of the recent matching lines)');
    // Per-minute metrics: the last 24 h against the 24 h before.
    expect(f.text).toContain('Last 24 h: 6,000 records, 1,200 errors (20.0%) vs 6,000 and 60 (1.0%) the day before');
    expect(f.text).toContain('latency avg 400 ms, max 1,200 ms; memory peak 512 MB');
    expect(f.text).toContain('High Error Rate since');
    expect(f.basis.droppedRecords).toBe(423);
    expect(f.text).toContain('Input incomplete: SDKs reported 423 dropped records');

    const again = await get(projectId, owner);
    expect(again.body.id).toBe(f.id);
    expect(await rows(projectId)).toHaveLength(1);
    const copy = await t.app.bucket.get(`forecasts/${projectId}/2026-11-25.json`);
    expect(copy).toBeDefined();
    expect(Forecast.parse(JSON.parse(Buffer.from(copy!).toString('utf8')))).toEqual(f);
  });

  it('makes a new forecast with ?refresh=1 and serves it afterwards', async () => {
    const before = (await get(projectId, owner)).body.id;
    clock.advance(60_000);
    const refreshed = await get(projectId, owner, '?refresh=1');
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.id).not.toBe(before);
    expect((await get(projectId, owner)).body.id).toBe(refreshed.body.id);
    expect(await rows(projectId)).toHaveLength(2);
  });

  it('generates once for concurrent first requests', async () => {
    const fresh = await newProject(t.url, owner, 'fresh');
    await seedRiskHistory(t.sql.store.db, fresh, clock.now(), 48);
    const answers = await Promise.all(Array.from({ length: 6 }, () => get(fresh, owner)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await rows(fresh)).toHaveLength(1);
  });

  it('regenerates on the next UTC day, not before', async () => {
    const p = await newProject(t.url, owner, 'daily');
    const today = await get(p, owner);
    clock.advance(60 * 60_000);
    expect((await get(p, owner)).body.id).toBe(today.body.id);
    clock.advance(DAY);
    const tomorrow = await get(p, owner);
    expect(tomorrow.body.date).toBe('2026-11-26');
    expect(tomorrow.body.id).not.toBe(today.body.id);
    clock.advance(-DAY - 60 * 60_000);
  });

  it('replaces a forecast made without history once the first risk points arrive, then caches again', async () => {
    const p = await newProject(t.url, owner, 'newborn');
    const empty = Forecast.parse((await get(p, owner)).body);
    expect(empty.basis.historyPoints).toBe(0);
    expect((await get(p, owner)).body.id).toBe(empty.id);
    clock.advance(60_000);
    await seedRiskHistory(t.sql.store.db, p, clock.now(), 12);
    const real = Forecast.parse((await get(p, owner)).body);
    expect(real.id).not.toBe(empty.id);
    expect(real.basis.historyPoints).toBeGreaterThanOrEqual(12);
    expect((await get(p, owner)).body.id).toBe(real.id);
    expect(await rows(p)).toHaveLength(2);
  });

  it('answers 404 for another user’s project, 401 without credentials, 400 for a bad query', async () => {
    expectError(await get(projectId, stranger), 404, 'not_found');
    expectError(await get('p_missing', owner), 404, 'not_found');
    expectError(await call(t.url, 'GET', `/api/forecast/${projectId}`), 401, 'unauthorized');
    expectError(await get(projectId, owner, '?refresh=maybe'), 400, 'invalid_query');
    const feedback = await call(t.url, 'POST', `/api/forecast/${projectId}/feedback`, {
      auth: { bearer: stranger.token },
      json: { forecastId: 'fc_x', accurate: true },
    });
    expectError(feedback, 404, 'not_found');
  });

  it('serves a read key on its own project and 404 on another', async () => {
    const read = await newKey(t.url, owner, projectId, ['read']);
    const r = await call(t.url, 'GET', `/api/forecast/${projectId}`, { auth: { key: read.key } });
    expect(r.status).toBe(200);
    const other = await newProject(t.url, owner, 'other');
    expectError(await call(t.url, 'GET', `/api/forecast/${other}`, { auth: { key: read.key } }), 404, 'not_found');
    const ingestOnly = await newKey(t.url, owner, projectId, ['ingest']);
    expectError(
      await call(t.url, 'GET', `/api/forecast/${projectId}`, { auth: { key: ingestOnly.key } }),
      403,
      'insufficient_scope',
    );
  });

  it('stores feedback with who sent it, and rejects bad bodies with 400 naming the field', async () => {
    const f = (await get(projectId, owner)).body as Forecast;
    const post = (json: unknown, session = owner) =>
      call(t.url, 'POST', `/api/forecast/${projectId}/feedback`, { auth: { bearer: session.token }, json });
    const ok = await post({ forecastId: f.id, accurate: true, comment: 'spot on' });
    expect(ok.status).toBe(201);
    const fb = Feedback.parse(ok.body);
    expect(fb).toMatchObject({ forecastId: f.id, accurate: true, comment: 'spot on' });
    const row = await t.sql.store.db
      .selectFrom('forecast_feedback')
      .selectAll()
      .where('id', '=', fb.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ project_id: projectId, user_id: owner.userId, key_id: null });
    expect(Number(row.accurate)).toBe(1);

    const missing = await post({ forecastId: f.id });
    expectError(missing, 400, 'invalid_body');
    expect(missing.body.error.details).toEqual({ field: 'accurate' });
    expectError(await post({ forecastId: f.id, accurate: 'yes' }), 400, 'invalid_body');
    expectError(await post({ forecastId: f.id, accurate: false, comment: 'x'.repeat(2001) }), 400, 'invalid_body');
    expectError(await post([1, 2]), 400, 'invalid_body');
    const raw = await call(t.url, 'POST', `/api/forecast/${projectId}/feedback`, {
      auth: { bearer: owner.token },
      raw: '{"forecastId":',
    });
    expect(raw.status).toBe(400);
    expectError(await post(undefined), 400, 'invalid_body');
    const form = await call(t.url, 'POST', `/api/forecast/${projectId}/feedback`, {
      auth: { bearer: owner.token },
      raw: `{"forecastId":"${f.id}","accurate":true}`,
      contentType: 'text/plain',
    });
    expectError(form, 415, 'unsupported_media_type');
    expectError(await post({ forecastId: 'fc_unknown', accurate: false }), 404, 'not_found');
    // A forecast of another project cannot be voted on through this one.
    const other = await newProject(t.url, owner, 'elsewhere');
    const otherForecast = (await get(other, owner)).body as Forecast;
    expectError(await post({ forecastId: otherForecast.id, accurate: false }), 404, 'not_found');
  });

  it('takes the dashboard’s vote with the session cookie and its CSRF token, not without', async () => {
    const f = (await get(projectId, owner)).body as Forecast;
    const vote = (csrf?: false) =>
      call(t.url, 'POST', `/api/forecast/${projectId}/feedback`, {
        auth: csrf === false ? { session: owner, csrf: false } : { session: owner },
        json: { forecastId: f.id, accurate: true },
      });
    expectError(await vote(false), 403, 'csrf_failed');
    expect((await vote()).status).toBe(201);
    const viaCookie = await call(t.url, 'GET', `/api/forecast/${projectId}`, { auth: { session: owner } });
    expect(viaCookie.body.id).toBe(f.id);
  });

  it('lowers the confidence of the next forecast of the same pattern after an inaccurate vote', async () => {
    const p = await newProject(t.url, owner, 'voted');
    await seedRiskHistory(t.sql.store.db, p, clock.now());
    const first = Forecast.parse((await get(p, owner)).body);
    expect(first.basis.confidence).toBe('medium');
    const vote = await call(t.url, 'POST', `/api/forecast/${p}/feedback`, {
      auth: { bearer: owner.token },
      json: { forecastId: first.id, accurate: false, comment: 'the incident was over by then' },
    });
    expect(vote.status).toBe(201);
    clock.advance(60_000);
    const next = Forecast.parse((await get(p, owner, '?refresh=1')).body);
    expect(next.basis.confidence).toBe('low');
    expect(next.text).toContain('1 earlier forecast like this one');
    expect(next.text).toContain('the incident was over by then');
    expect(next.basis.notes?.some((n) => n.startsWith('feedback: 1 inaccurate vote on'))).toBe(true);
    const width = (f: Forecast) => f.predicted.series.reduce((a, s) => a + s.high - s.low, 0);
    expect(width(next)).toBeGreaterThan(width(first));
  });
});
