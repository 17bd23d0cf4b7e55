import { RiskHistory, type RiskPoint } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import {
  call,
  expectError,
  type ManualClock,
  manualClock,
  newKey,
  newProject,
  type Session,
  signUp,
} from './support/client.js';

const DAY = 86_400_000;

describe.each(SQL_DIALECTS)('GET /api/risk-history/:projectId on %s', (dialect) => {
  let t: TestApp;
  let url: string;
  let clock: ManualClock;
  let owner: Session;
  let projectId: string;
  let points: RiskPoint[];

  beforeAll(async () => {
    clock = manualClock();
    t = await startTestApp({ dialect, now: clock.now });
    url = t.url;
    owner = await signUp(url);
    projectId = await newProject(url, owner);
    // Points 0.5, 1.5, ... 39.5 days old, written in shuffled order as scoring would over time
    // (the dispatcher writes these rows; its own issue). The answer must come back oldest first.
    const ages = Array.from({ length: 40 }, (_, i) => i + 0.5);
    const order = ages.map((_, i) => (i * 17) % ages.length);
    points = ages.map((age, i) => ({
      id: `r_${String(i).padStart(2, '0')}`,
      timestamp: new Date(clock.now() - age * DAY).toISOString(),
      score: (i * 7) % 101,
      labels: i % 3 === 0 ? ['High Error Rate'] : [],
      signals: { errorRate: i / 100 },
      explanations:
        i % 3 === 0
          ? [{ label: 'High Error Rate', signal: 'errorRate', message: `error rate ${i}%`, value: i / 100 }]
          : [],
    }));
    for (const i of order) {
      const p = points[i] as RiskPoint;
      const at = Date.parse(p.timestamp);
      await t.sql.store.db
        .insertInto('risk_history')
        .values({
          id: p.id,
          project_id: projectId,
          window_start: at,
          timestamp: at,
          score: p.score,
          labels: JSON.stringify(p.labels),
          signals: JSON.stringify(p.signals),
          explanations: JSON.stringify(p.explanations),
          created_at: at,
        })
        .execute();
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const oldestFirst = (days: number) =>
    points
      .filter((p) => Date.parse(p.timestamp) >= clock.now() - days * DAY)
      .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));

  it('answers the last 30 days by default, oldest first, as RiskPoints', async () => {
    const r = await call(url, 'GET', `/api/risk-history/${projectId}`, { auth: { bearer: owner.token } });
    expect(r.status).toBe(200);
    const history = RiskHistory.parse(r.body);
    expect(history).toEqual(oldestFirst(30));
    expect(history).toHaveLength(30);
  });

  it('honours ?days= and is readable with a read key', async () => {
    const { key } = await newKey(url, owner, projectId, ['read']);
    for (const days of [1, 7, 45, 3650]) {
      const r = await call(url, 'GET', `/api/risk-history/${projectId}?days=${days}`, { auth: { key } });
      expect(r.body).toEqual(oldestFirst(days));
    }
  });

  it('answers [] for a project not scored yet', async () => {
    const fresh = await newProject(url, owner, 'fresh');
    const r = await call(url, 'GET', `/api/risk-history/${fresh}?days=30`, { auth: { bearer: owner.token } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([]);
  });

  it('answers 400 invalid_query for bad days, 401 without credentials, 403 for an ingest-only key', async () => {
    for (const days of ['0', '-1', '1.5', 'week', '3651']) {
      const r = await call(url, 'GET', `/api/risk-history/${projectId}?days=${days}`, {
        auth: { bearer: owner.token },
      });
      expectError(r, 400, 'invalid_query');
      expect(r.body.error.details).toEqual({ field: 'days' });
    }
    const unknown = await call(url, 'GET', `/api/risk-history/${projectId}?dayz=7`, { auth: { bearer: owner.token } });
    expectError(unknown, 400, 'invalid_query');
    expect(unknown.body.error.details).toEqual({ field: 'dayz' });
    expectError(await call(url, 'GET', `/api/risk-history/${projectId}`), 401, 'unauthorized');
    const ingest = await newKey(url, owner, projectId, ['ingest']);
    expectError(
      await call(url, 'GET', `/api/risk-history/${projectId}`, { auth: { key: ingest.key } }),
      403,
      'insufficient_scope',
    );
  });
});
