import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDoc, operationsByShape, shapeOf, UNDOCUMENTED_ROUTES } from '../docs/documented-operations.js';
import { call, newKey, newProject, type Session, signUp, uniqueEmail } from '../routes/support/client.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import { expectedFor, ROUTE_KINDS } from './access-policy.js';
import { bearer, cookieOf, forgeries, loggedOutToken, type MatrixIdentity, mint, secrets } from './identities.js';
import { type LoggedApp, startLoggedApp } from './logged-app.js';
import { bodyFor, type MatrixReply, send } from './matrix-requests.js';
import { listRoutes, type RouteEntry } from './route-table.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// A password no log line or error body may ever contain.
const PASSWORD = `matrix-password-${randomBytes(6).toString('hex')}`;

describe.each(SQL_DIALECTS)('access-control matrix on %s', (dialect) => {
  let t: LoggedApp;
  let url: string;
  let owner: Session;
  let other: Session;
  let projectId: string;
  let spareKeyId: string;
  let forecastId: string;
  let identities: MatrixIdentity[];
  let routes: RouteEntry[];
  /** Every error answer the matrix saw, for the secrets check. */
  const errorBodies: string[] = [];
  /** Every status each route answered in the matrix, for the documented-statuses check. */
  const statusesSeen = new Map<string, Set<number>>();
  const see = (route: string, status: number) =>
    statusesSeen.set(route, (statusesSeen.get(route) ?? new Set()).add(status));

  beforeAll(async () => {
    // Decoding on the main thread: the matrix is about who may call, not about the ingest pool.
    t = await startLoggedApp({ dialect, env: { CLOUDSAGE_INGEST_WORKERS: '0' } });
    url = t.url;
    secrets.add(PASSWORD);
    [owner, other] = await Promise.all([
      signUp(url, uniqueEmail('owner'), PASSWORD),
      signUp(url, uniqueEmail('other'), PASSWORD),
    ]);
    for (const s of [owner, other]) secrets.add(s.token);
    projectId = await newProject(url, owner, 'main');
    const [ingest, read, both, spare, revoked] = await Promise.all([
      newKey(url, owner, projectId, ['ingest']),
      newKey(url, owner, projectId, ['read']),
      newKey(url, owner, projectId, ['ingest', 'read']),
      newKey(url, owner, projectId, ['read']),
      newKey(url, owner, projectId, ['ingest', 'read']),
    ]);
    spareKeyId = spare.id;
    const foreign = await newKey(url, other, await newProject(url, other, 'theirs'), ['ingest', 'read']);
    for (const k of [ingest, read, both, spare, revoked, foreign]) secrets.add(k.key);
    expect(
      (await call(url, 'DELETE', `/api/projects/${projectId}/keys/${revoked.id}`, { auth: { bearer: owner.token } }))
        .status,
    ).toBe(204);
    const forecast = await call(url, 'GET', `/api/forecast/${projectId}`, { auth: { bearer: owner.token } });
    expect(forecast.status).toBe(200);
    forecastId = forecast.body.id;
    const after = await loggedOutToken(url, owner);
    const ownerUser = { userId: owner.userId, email: owner.email };
    const otherUser = { userId: other.userId, email: other.email };
    identities = [
      { name: 'anonymous', role: 'anonymous', make: async () => ({ headers: {} }) },
      { name: 'owner (Bearer)', role: 'owner', make: async () => bearer(mint(ownerUser)) },
      {
        name: 'owner (session cookie + CSRF)',
        role: 'owner',
        cookie: true,
        make: async () => {
          const { cookie, csrf } = cookieOf(mint(ownerUser));
          return { headers: { cookie, 'x-csrf-token': csrf } };
        },
      },
      { name: 'other user (Bearer)', role: 'other-user', make: async () => bearer(mint(otherUser)) },
      {
        name: 'ingest key (x-cloudsage-key)',
        role: 'key-ingest',
        make: async () => ({ headers: { 'x-cloudsage-key': ingest.key } }),
      },
      { name: 'read key (Bearer)', role: 'key-read', make: async () => bearer(read.key) },
      { name: 'read+ingest key (Bearer)', role: 'key-both', make: async () => bearer(both.key) },
      {
        name: 'read+ingest key (?key=)',
        role: 'key-in-url',
        make: async () => ({ headers: {}, query: { key: both.key } }),
      },
      { name: "another project's key", role: 'foreign-key', make: async () => bearer(foreign.key) },
      { name: 'revoked key', role: 'bad-key', make: async () => bearer(revoked.key) },
      { name: 'token after logout', role: 'bad-token', make: async () => bearer(after) },
      ...forgeries(ownerUser, otherUser).map(
        ([name, token]): MatrixIdentity => ({ name, role: 'bad-token', make: async () => bearer(token) }),
      ),
    ];
    routes = listRoutes(t.app);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Resolves a route's path parameters; a destructive cell expected to succeed gets fresh targets. */
  async function pathOf(route: RouteEntry, destroys: boolean): Promise<string> {
    let project = projectId;
    let keyId = spareKeyId;
    if (destroys && route.url.includes(':keyId')) keyId = (await newKey(url, owner, projectId, ['read'])).id;
    else if (destroys) project = await newProject(url, owner, 'doomed');
    return route.url
      .replace(/:(id|projectId)\b/g, project)
      .replace(':keyId', keyId)
      .replace(/\*$/, '');
  }

  it('every registered route has a policy', () => {
    const missing = routes.map((r) => `${r.method} ${r.url}`).filter((r) => !(r in ROUTE_KINDS));
    expect(missing).toEqual([]);
  });

  it('answers each route x identity cell as the policy says', async () => {
    const mismatches: unknown[] = [];
    let cells = 0;
    for (const route of routes) {
      const name = `${route.method} ${route.url}`;
      const kind = ROUTE_KINDS[name];
      if (!kind) continue;
      for (const identity of identities) {
        const expected = expectedFor(kind, identity.role);
        const destroys = route.method === 'DELETE' && expected.ok;
        const reply: MatrixReply = await send(url, route.method, await pathOf(route, destroys), await identity.make(), {
          query: kind === 'ingest' || kind === 'otlp' ? { projectId } : undefined,
          body: bodyFor(name, { email: owner.email, password: PASSWORD, forecastId }),
        });
        cells++;
        see(name, reply.status);
        if (reply.status >= 400) errorBodies.push(reply.text);
        const got = reply.status < 300 ? { ok: true } : { ok: false, status: reply.status, code: reply.code };
        if (JSON.stringify(got) !== JSON.stringify(expected)) {
          mismatches.push({ route: name, identity: identity.name, expected, got, body: reply.text.slice(0, 200) });
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(cells).toBe(routes.length * identities.length);
    console.log(
      `access matrix on ${dialect}: ${routes.length} routes x ${identities.length} identities = ${cells} cells`,
    );
  });

  it('refuses cookie-authenticated writes without the session CSRF token, changing nothing', async () => {
    const ownerUser = { userId: owner.userId, email: owner.email };
    const before = await call(url, 'GET', '/api/projects', { auth: { bearer: owner.token } });
    const writes = routes.filter((r) => WRITES.has(r.method));
    expect(writes.length).toBeGreaterThan(5);
    const mismatches: unknown[] = [];
    for (const route of writes) {
      const name = `${route.method} ${route.url}`;
      const kind = ROUTE_KINDS[name];
      const session = cookieOf(mint(ownerUser));
      const planted = randomBytes(32).toString('base64url');
      const otherSession = cookieOf(mint({ userId: other.userId, email: other.email }));
      const variants: Array<[string, Record<string, string>]> = [
        ['no X-CSRF-Token', { cookie: session.cookie }],
        ['a wrong X-CSRF-Token', { cookie: session.cookie, 'x-csrf-token': `${session.csrf}x` }],
        // A sibling origin can plant a csrf cookie and echo it; it is not the session's own token.
        [
          'a planted csrf cookie echoed',
          { cookie: `cloudsage_session=${session.cookie.split(/[=;]/)[1]}; csrf=${planted}`, 'x-csrf-token': planted },
        ],
        [
          "another session's CSRF pair",
          {
            cookie: `cloudsage_session=${session.cookie.split(/[=;]/)[1]}; csrf=${otherSession.csrf}`,
            'x-csrf-token': otherSession.csrf,
          },
        ],
      ];
      for (const [variant, headers] of variants) {
        const reply = await send(
          url,
          route.method,
          await pathOf(route, false),
          { headers },
          {
            query: kind === 'ingest' || kind === 'otlp' ? { projectId } : undefined,
            body: bodyFor(name, { email: owner.email, password: PASSWORD, forecastId }),
          },
        );
        errorBodies.push(reply.text);
        see(name, reply.status);
        // Register and login never act as the session's user, so they ignore the cookie entirely.
        const expected = kind === 'signin' ? 'ok' : '403 csrf_failed';
        const got = reply.status < 300 ? 'ok' : `${reply.status} ${reply.code}`;
        if (got !== expected) mismatches.push({ route: name, variant, expected, got });
      }
    }
    expect(mismatches).toEqual([]);
    const after = await call(url, 'GET', '/api/projects', { auth: { bearer: owner.token } });
    expect(after.body).toEqual(before.body);
  });

  it('answers only statuses /api/docs documents for the route, its success status included', async () => {
    const ops = operationsByShape(await fetchDoc(url));
    const undocumented: string[] = [];
    for (const [route, statuses] of statusesSeen) {
      if (UNDOCUMENTED_ROUTES.has(route)) continue;
      const [method, path] = route.split(' ') as [string, string];
      const documented = Object.keys(ops.get(shapeOf(method, path))?.responses ?? {});
      for (const status of statuses) if (!documented.includes(String(status))) undocumented.push(`${route} ${status}`);
    }
    // Every route answered its success status to someone, and the cells covered every route.
    for (const route of routes) {
      const name = `${route.method} ${route.url}`;
      if (![...(statusesSeen.get(name) ?? [])].some((s) => s < 300)) undocumented.push(`${name}: no success seen`);
    }
    expect(undocumented).toEqual([]);
  });

  it('writes no password, API key, JWT, CSRF token or the JWT secret to the log or an error body', () => {
    // The log really was captured: at trace, every request logs at least its start and end.
    expect(t.logLines.length).toBeGreaterThan(2 * routes.length * identities.length);
    expect(errorBodies.length).toBeGreaterThan(routes.length);
    const leaks: string[] = [];
    for (const secret of secrets) {
      const inLog = t.logLines.find((line) => line.includes(secret));
      if (inLog) leaks.push(`log: ${secret.slice(0, 12)}... in ${inLog.slice(0, 300)}`);
      const inBody = errorBodies.find((body) => body.includes(secret));
      if (inBody) leaks.push(`error body: ${secret.slice(0, 12)}... in ${inBody.slice(0, 300)}`);
    }
    expect(leaks).toEqual([]);
  });
});
