import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import { type Auth, call, newKey, newProject, type Reply, type Session, signUp } from './support/client.js';

/** One project route, called on a given project (and key id, for key routes). */
interface Row {
  name: string;
  /** Registered only by the forecast change; the rows are skipped until it lands. */
  route?: { method: 'GET' | 'POST'; url: string };
  /** The project is named inside the body (the ingest envelope). */
  envelope?: boolean;
  /** Whether the control on the caller's own project destroys it (it then gets a fresh one). */
  destructive?: boolean;
  send(auth: Auth, projectId: string, keyId: string): Promise<Reply>;
}

const NDJSON = '{"level":"info","msg":"hello"}\n';

/**
 * Calls a route and reads the answer; an event stream is closed after its head (it never ends),
 * keeping only the status.
 */
async function probe(base: string, method: string, path: string, auth: Auth): Promise<Reply> {
  const controller = new AbortController();
  const headers: Record<string, string> = {};
  let url = `${base}${path}`;
  if (auth && 'bearer' in auth) headers.authorization = `Bearer ${auth.bearer}`;
  if (auth && 'key' in auth) url += `${url.includes('?') ? '&' : '?'}key=${encodeURIComponent(auth.key)}`;
  if (auth && 'session' in auth) headers.cookie = `cloudsage_session=${auth.session.token}; csrf=${auth.session.csrf}`;
  const res = await fetch(url, { method, headers, signal: controller.signal });
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    controller.abort();
    return { status: res.status, headers: res.headers, body: undefined, text: '', cookies: {} };
  }
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, text, cookies: {} };
}

function rows(base: string): Row[] {
  const p = (id: string) => encodeURIComponent(id);
  return [
    { name: 'GET /api/projects/:id', send: (auth, id) => call(base, 'GET', `/api/projects/${p(id)}`, { auth }) },
    {
      name: 'PUT /api/projects/:id',
      send: (auth, id) => call(base, 'PUT', `/api/projects/${p(id)}`, { auth, json: { name: 'taken over' } }),
    },
    {
      name: 'DELETE /api/projects/:id',
      destructive: true,
      send: (auth, id) => call(base, 'DELETE', `/api/projects/${p(id)}`, { auth }),
    },
    {
      name: 'GET /api/projects/:id/keys',
      send: (auth, id) => call(base, 'GET', `/api/projects/${p(id)}/keys`, { auth }),
    },
    {
      name: 'POST /api/projects/:id/keys',
      send: (auth, id) =>
        call(base, 'POST', `/api/projects/${p(id)}/keys`, { auth, json: { name: 'stolen', scopes: ['read'] } }),
    },
    {
      name: 'DELETE /api/projects/:id/keys/:keyId',
      destructive: true,
      send: (auth, id, keyId) => call(base, 'DELETE', `/api/projects/${p(id)}/keys/${p(keyId)}`, { auth }),
    },
    {
      name: 'GET /api/projects/:id/logs',
      send: (auth, id) => call(base, 'GET', `/api/projects/${p(id)}/logs`, { auth }),
    },
    {
      name: 'GET /api/projects/:id/events',
      send: (auth, id) => probe(base, 'GET', `/api/projects/${p(id)}/events`, auth),
    },
    {
      name: 'GET /api/risk-history/:projectId',
      send: (auth, id) => call(base, 'GET', `/api/risk-history/${p(id)}`, { auth }),
    },
    {
      name: 'POST /api/ingest?projectId=',
      send: (auth, id) =>
        call(base, 'POST', `/api/ingest?projectId=${p(id)}`, {
          auth,
          raw: NDJSON,
          contentType: 'application/x-ndjson',
        }),
    },
    {
      name: 'POST /api/ingest with X-CloudSage-Project',
      send: (auth, id) =>
        call(base, 'POST', '/api/ingest', {
          auth,
          raw: NDJSON,
          contentType: 'application/x-ndjson',
          headers: { 'x-cloudsage-project': id },
        }),
    },
    {
      name: 'POST /api/ingest envelope { projectId }',
      envelope: true,
      send: (auth, id) =>
        call(base, 'POST', '/api/ingest', { auth, json: { projectId: id, logs: [{ level: 'info', msg: 'hello' }] } }),
    },
    {
      name: 'GET /api/forecast/:projectId',
      route: { method: 'GET', url: '/api/forecast/:projectId' },
      send: (auth, id) => call(base, 'GET', `/api/forecast/${p(id)}`, { auth }),
    },
    {
      name: 'POST /api/forecast/:projectId/feedback',
      route: { method: 'POST', url: '/api/forecast/:projectId/feedback' },
      send: (auth, id) =>
        call(base, 'POST', `/api/forecast/${p(id)}/feedback`, { auth, json: { forecastId: 'f_x', accurate: true } }),
    },
  ];
}

/** The answer that would tell "exists, but not yours" apart from "does not exist": it must never come. */
function isNotFoundOfProject(r: Reply): boolean {
  return r.status === 404 && ['project not found', 'route not found'].includes(r.body?.error?.message);
}

describe.each(SQL_DIALECTS)('tenant isolation on %s', (dialect) => {
  let t: TestApp;
  let url: string;
  let alice: Session;
  let bob: Session;
  let aliceProject: string;
  let bobProject: string;
  let bobKey: { id: string; key: string };
  let identities: Array<[string, Auth]>;

  beforeAll(async () => {
    // Ingest decodes inline (no worker threads), keeping this suite cheap; logs.test.ts reads what the pool writes.
    t = await startTestApp({ dialect, env: { CLOUDSAGE_INGEST_WORKERS: '0' } });
    url = t.url;
    [alice, bob] = await Promise.all([signUp(url), signUp(url)]);
    aliceProject = await newProject(url, alice, 'alice');
    bobProject = await newProject(url, bob, 'bob');
    bobKey = await newKey(url, bob, bobProject, ['read', 'ingest']);
    const read = await newKey(url, alice, aliceProject, ['read']);
    const ingest = await newKey(url, alice, aliceProject, ['ingest']);
    const both = await newKey(url, alice, aliceProject, ['ingest', 'read']);
    identities = [
      ['user JWT (Bearer)', { bearer: alice.token }],
      ['user session cookie + CSRF', { session: alice }],
      ['read key of another project', { key: read.key }],
      ['ingest key of another project', { key: ingest.key }],
      ['read+ingest key via x-cloudsage-key', { key: both.key, via: 'header' }],
    ];
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The other user's project as it was made: name, its one key (still working), no logs. */
  async function expectUntouched(projectId: string, key: { id: string; key: string }): Promise<void> {
    const auth = { bearer: bob.token };
    const project = await call(url, 'GET', `/api/projects/${projectId}`, { auth });
    expect({ status: project.status, name: project.body.name }).toEqual({ status: 200, name: 'victim' });
    const keys = await call(url, 'GET', `/api/projects/${projectId}/keys`, { auth });
    expect(keys.body.map((k: { id: string }) => k.id)).toEqual([key.id]);
    expect((await call(url, 'GET', '/api/auth/me', { auth: { key: key.key } })).status).toBe(200);
    const batches = await t.sql.store.db
      .selectFrom('ingest_batches')
      .select('id')
      .where('project_id', '=', projectId)
      .execute();
    expect(batches).toEqual([]);
  }

  for (const row of rows('')) {
    it(`${row.name}: another user's project answers 404, the same as a missing one`, async (ctx) => {
      if (row.route && !t.app.hasRoute(row.route)) ctx.skip();
      const bound = rows(url).find((r) => r.name === row.name) as Row;
      for (const [who, auth] of identities) {
        // A fresh victim per cell, so a leak in one cell (a delete that went through) cannot make
        // the next cells pass by removing their target.
        const victim = await newProject(url, bob, 'victim');
        const victimKey = await newKey(url, bob, victim, ['read', 'ingest']);
        const foreign = await bound.send(auth, victim, victimKey.id);
        const missing = await bound.send(auth, 'p_AAAAAAAAAAAAAAAAAAAAAA', 'k_AAAAAAAAAAAAAAAA');
        // One documented exception: ingest settles a key's scope before reading the body, so a key
        // without `ingest` is refused (403) before the envelope's project is known. The answer is the
        // same for any project named, so it tells nothing about the other user's project.
        const decidedBeforeBody = row.envelope && auth && 'key' in auth && foreign.status === 403;
        expect({ who, status: foreign.status, code: foreign.body?.error?.code }).toEqual({
          who,
          status: decidedBeforeBody ? 403 : 404,
          code: decidedBeforeBody ? 'insufficient_scope' : 'not_found',
        });
        expect({ who, body: foreign.body }).toEqual({ who, body: missing.body });
        await expectUntouched(victim, victimKey);

        // Control: the same caller on its own project is not told "not found", so the 404 above is
        // the isolation check and not a missing route.
        const isUser = auth !== undefined && ('bearer' in auth || 'session' in auth);
        const own = bound.destructive && isUser ? await newProject(url, alice) : aliceProject;
        const ownKey = bound.destructive ? (await newKey(url, alice, own, ['read'])).id : 'k_unused';
        const control = await bound.send(auth, own, ownKey);
        expect({ who, control: isNotFoundOfProject(control), status: control.status }).toMatchObject({
          who,
          control: false,
        });
      }
    });
  }

  it("a key id of another user's project answers 404 through the caller's own project", async () => {
    const r = await call(url, 'DELETE', `/api/projects/${aliceProject}/keys/${bobKey.id}`, {
      auth: { bearer: alice.token },
    });
    expect({ status: r.status, code: r.body.error.code }).toEqual({ status: 404, code: 'not_found' });
    expect((await call(url, 'GET', '/api/auth/me', { auth: { key: bobKey.key } })).status).toBe(200);
  });
});
