import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StreamBudget } from '../../src/services/events/stream-budget.js';
import { call, expectError, newKey, newProject, type Session, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';

/** An SSE stream over a real socket: its status, its frames with ids, and whether the server ended it. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  /** Reads until the server ends the stream; answers every `id:` seen. */
  async function untilEnd(): Promise<string[]> {
    for (;;) {
      const { done, value } = await reader!.read();
      if (done) return [...buffer.matchAll(/^id: (.+)$/gm)].map((m) => m[1]!);
      buffer += decoder.decode(value, { stream: true });
    }
  }
  /** Reads until a frame of `event` arrives; answers its id and data. */
  async function next(event: string): Promise<{ id: string; data: string }> {
    for (;;) {
      const match = new RegExp(`id: (.+)\\nevent: ${event}\\ndata: (.+)\\n\\n`).exec(buffer);
      if (match) {
        buffer = buffer.slice(match.index + match[0].length);
        return { id: match[1]!, data: match[2]! };
      }
      const { done, value } = await reader!.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
    }
  }
  async function ready(): Promise<void> {
    while (!buffer.includes('retry:')) {
      const { done, value } = await reader!.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
    }
  }
  return { res, ready, next, untilEnd, close: () => controller.abort() };
}
type Stream = Awaited<ReturnType<typeof openStream>>;

const point = (score: number) => ({
  id: `r_${score}`,
  timestamp: '2026-11-25T12:00:00.000Z',
  score,
  labels: [],
  signals: {},
  explanations: [],
});

describe('event stream caps', () => {
  let t: TestApp;
  let owner: Session;
  let projectId: string;
  let keyA: string;
  let keyB: string;
  const open: Stream[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        CLOUDSAGE_EVENTS_MAX_PER_KEY: '2',
        CLOUDSAGE_EVENTS_MAX_PER_USER: '3',
        CLOUDSAGE_EVENTS_MAX_PER_ADDRESS: '4',
      },
    });
    owner = await signUp(t.url);
    projectId = await newProject(t.url, owner, 'capped');
    keyA = (await newKey(t.url, owner, projectId, ['read'])).key;
    keyB = (await newKey(t.url, owner, projectId, ['read'])).key;
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await t?.close();
  });

  const byKey = (key: string) => `${t.url}/api/projects/${projectId}/events?key=${key}`;
  const byUser = () => `${t.url}/api/projects/${projectId}/events`;
  async function openOk(url: string, headers: Record<string, string> = {}): Promise<Stream> {
    const s = await openStream(url, headers);
    expect(s.res.status).toBe(200);
    await s.ready();
    open.push(s);
    return s;
  }
  async function closeAll(): Promise<void> {
    for (const s of open.splice(0)) s.close();
    await vi.waitFor(() => expect(t.app.metrics.eventStreamsOpen.get()).toBe(0));
  }

  it('refuses a key past its cap with 429 too_many_streams and Retry-After; closing one frees a slot', async () => {
    const first = await openOk(byKey(keyA));
    await openOk(byKey(keyA));
    const refused = await call(t.url, 'GET', `/api/projects/${projectId}/events?key=${keyA}`);
    expectError(refused, 429, 'too_many_streams');
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.body.error.details).toEqual({ cap: 'key' });
    // Another key of the same project has its own count.
    await openOk(byKey(keyB));

    first.close();
    await vi.waitFor(() => expect(t.app.metrics.eventStreamsOpen.get()).toBe(2));
    await openOk(byKey(keyA));
    await closeAll();
  });

  it('caps a user’s streams across its sessions', async () => {
    const auth = { authorization: `Bearer ${owner.token}` };
    for (let i = 0; i < 3; i++) await openOk(byUser(), auth);
    const refused = await call(t.url, 'GET', `/api/projects/${projectId}/events`, { auth: { bearer: owner.token } });
    expectError(refused, 429, 'too_many_streams');
    expect(refused.body.error.details).toEqual({ cap: 'user' });
    await closeAll();
  });

  it('caps one client address whatever the credentials, and counts rejections by cap in /metrics', async () => {
    await openOk(byKey(keyA));
    await openOk(byKey(keyA));
    await openOk(byKey(keyB));
    await openOk(byUser(), { authorization: `Bearer ${owner.token}` });
    const refused = await call(t.url, 'GET', `/api/projects/${projectId}/events?key=${keyB}`);
    expectError(refused, 429, 'too_many_streams');
    expect(refused.body.error.details).toEqual({ cap: 'address' });

    const metrics = (await call(t.url, 'GET', '/metrics')).text;
    expect(metrics).toContain('cloudsage_event_streams_open 4');
    expect(metrics).toContain('cloudsage_event_streams_rejected_total{cap="key"} 1');
    expect(metrics).toContain('cloudsage_event_streams_rejected_total{cap="user"} 1');
    expect(metrics).toContain('cloudsage_event_streams_rejected_total{cap="address"} 1');
    await closeAll();
    expect((await call(t.url, 'GET', '/metrics')).text).toMatch(
      /cloudsage_event_streams_closed_total\{reason="client"\} 11/,
    );
  });
});

describe('event stream maximum age', () => {
  let t: TestApp;
  let owner: Session;
  let projectId: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { CLOUDSAGE_EVENTS_MAX_AGE_MS: '300' } });
    owner = await signUp(t.url);
    projectId = await newProject(t.url, owner, 'aged');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('ends a stream at its age; a reconnect with Last-Event-ID replays what came meanwhile', async () => {
    const url = `${t.url}/api/projects/${projectId}/events`;
    const auth = { authorization: `Bearer ${owner.token}` };
    const s = await openStream(url, auth);
    await s.ready();
    await t.app.events.publish(projectId, { type: 'score', data: point(10) });
    const seen = await s.next('score');
    expect(seen.id).toMatch(/^\d+-\d+$/);
    // The server ends the stream by itself: the read finishes without the client aborting.
    await s.untilEnd();
    expect(t.app.metrics.eventStreamsClosed.get({ reason: 'max_age' })).toBe(1);
    expect(t.app.metrics.eventStreamsOpen.get()).toBe(0);

    await t.app.events.publish(projectId, { type: 'score', data: point(20) });
    const again = await openStream(url, { ...auth, 'last-event-id': seen.id });
    expect(again.res.status).toBe(200);
    const replayed = await again.next('score');
    expect(JSON.parse(replayed.data).score).toBe(20);
    again.close();
  });
});

describe('StreamBudget', () => {
  it('refuses past the server cap and releases a slot once only', () => {
    const budget = new StreamBudget({ perKey: 0, perUser: 0, perAddress: 0, perServer: 2 });
    const a = budget.admit({ keyId: 'k', address: '1' });
    const b = budget.admit({ userId: 'u', address: '2' });
    expect(budget.admit({ address: '3' })).toEqual({ ok: false, cap: 'server' });
    if (!a.ok || !b.ok) throw new Error('admitted');
    a.release();
    a.release();
    expect(budget.open).toBe(1);
    expect(budget.admit({ address: '3' }).ok).toBe(true);
    expect(budget.admit({ address: '4' }).ok).toBe(false);
  });
});
