import { Forecast, type RiskPoint, RiskPoint as RiskPointSchema } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, newKey, newProject, type Session, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';

interface Frame {
  id?: string;
  event?: string;
  data?: string;
}

/** An open SSE stream read frame by frame over a real socket. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  async function next(): Promise<Frame> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const frame: Frame = {};
        for (const line of block.split('\n')) {
          const i = line.indexOf(': ');
          if (line.startsWith(':') || i < 0) continue;
          const key = line.slice(0, i) as keyof Frame;
          if (key === 'id' || key === 'event' || key === 'data') frame[key] = line.slice(i + 2);
        }
        if (frame.event) return frame;
        continue;
      }
      const { done, value } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
    }
  }
  /** Resolves once the first bytes (`retry:`) arrived: the server has subscribed by then. */
  async function ready(): Promise<void> {
    while (!buffer.includes('retry:')) {
      const { done, value } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
    }
    buffer = buffer.slice(buffer.indexOf('\n\n') + 2);
  }
  return { res, next, ready, close: () => controller.abort() };
}

function point(score: number): RiskPoint {
  return {
    id: `r_${score}`,
    timestamp: '2026-11-25T12:00:00.000Z',
    score,
    labels: ['High Error Rate'],
    signals: { errorRate: 0.12 },
    explanations: [
      { label: 'High Error Rate', signal: 'errorRate', message: 'error rate 12% vs usual 0.4%', value: 0.12 },
    ],
  };
}

describe.each(SQL_DIALECTS)('GET /api/projects/:id/events on %s', (dialect) => {
  let t: TestApp;
  let owner: Session;
  let projectId: string;

  beforeAll(async () => {
    t = await startTestApp({ dialect });
    owner = await signUp(t.url);
    projectId = await newProject(t.url, owner, 'live');
  });

  afterAll(async () => {
    await t?.close();
  });

  const eventsUrl = (id: string) => `${t.url}/api/projects/${id}/events`;

  it('streams a published score event as a RiskPoint with an id, and replays after Last-Event-ID', async () => {
    const s = await openStream(eventsUrl(projectId), { authorization: `Bearer ${owner.token}` });
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await s.ready();
    await t.app.events.publish(projectId, { type: 'score', data: point(71) });
    const frame = await s.next();
    expect(frame.event).toBe('score');
    expect(frame.id).toMatch(/^\d+-\d+$/);
    expect(RiskPointSchema.parse(JSON.parse(frame.data!))).toEqual(point(71));
    await t.app.events.publish(projectId, { type: 'score', data: point(40) });
    expect(JSON.parse((await s.next()).data!).score).toBe(40);
    s.close();

    const again = await openStream(eventsUrl(projectId), {
      authorization: `Bearer ${owner.token}`,
      'last-event-id': frame.id!,
    });
    const replayed = await again.next();
    expect(replayed.event).toBe('score');
    expect(JSON.parse(replayed.data!).score).toBe(40);
    again.close();
  });

  it('sends a forecast event when a forecast is written', async () => {
    const s = await openStream(`${eventsUrl(projectId)}?key=${(await newKey(t.url, owner, projectId, ['read'])).key}`);
    expect(s.res.status).toBe(200);
    await s.ready();
    const made = await call(t.url, 'GET', `/api/forecast/${projectId}`, { auth: { bearer: owner.token } });
    expect(made.status).toBe(200);
    const frame = await s.next();
    expect(frame.event).toBe('forecast');
    expect(Forecast.parse(JSON.parse(frame.data!)).id).toBe(made.body.id);
    s.close();
  });

  it('does not deliver another project’s events', async () => {
    const other = await newProject(t.url, owner, 'quiet');
    const s = await openStream(eventsUrl(other), { authorization: `Bearer ${owner.token}` });
    await s.ready();
    await t.app.events.publish(projectId, { type: 'score', data: point(90) });
    await t.app.events.publish(other, { type: 'score', data: point(12) });
    expect(JSON.parse((await s.next()).data!).score).toBe(12);
    s.close();
  });

  it('answers 401 without credentials, 404 for another user’s project, 403 for a key without read', async () => {
    expectError(await call(t.url, 'GET', `/api/projects/${projectId}/events`), 401, 'unauthorized');
    const stranger = await signUp(t.url);
    expectError(
      await call(t.url, 'GET', `/api/projects/${projectId}/events`, { auth: { bearer: stranger.token } }),
      404,
      'not_found',
    );
    expectError(
      await call(t.url, 'GET', `/api/projects/p_missing/events`, { auth: { bearer: owner.token } }),
      404,
      'not_found',
    );
    const ingest = await newKey(t.url, owner, projectId, ['ingest']);
    expectError(
      await call(t.url, 'GET', `/api/projects/${projectId}/events`, { auth: { key: ingest.key, via: 'query' } }),
      403,
      'insufficient_scope',
    );
    expectError(
      await call(t.url, 'GET', `/api/projects/${projectId}/events?key=csk_not_a_real_key`),
      401,
      'invalid_key',
    );
  });

  it('takes a key in the URL on the events stream only: other routes refuse it, saying where it goes', async () => {
    const both = await newKey(t.url, owner, projectId, ['read', 'ingest']);
    for (const path of [`/api/projects/${projectId}/logs`, `/api/risk-history/${projectId}`, '/healthz']) {
      const res = await call(t.url, 'GET', path, { auth: { key: both.key, via: 'query' } });
      expectError(res, 401, 'unauthorized');
      expect(res.body.error.message).toMatch(/accepted only by the events stream.*x-cloudsage-key/);
    }
    // The same key in a header is fine there.
    expect((await call(t.url, 'GET', `/api/projects/${projectId}/logs`, { auth: { key: both.key } })).status).toBe(200);
  });
});
