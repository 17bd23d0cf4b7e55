import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import authPlugin from '../../src/plugins/auth.js';
import errorHandler from '../../src/plugins/error-handler.js';
import { collectRoutes } from '../../src/routes/docs/openapi.js';
import { ROUTE_KINDS, type RouteKind } from '../security/access-policy.js';
import { listRoutes, type RouteEntry } from '../security/route-table.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/app.js';
import {
  type DocOperation,
  fetchDoc,
  type OpenApiDoc,
  operationsByShape,
  shapeOf,
  UNDOCUMENTED_ROUTES,
} from './documented-operations.js';

const USER = ['bearer', 'cookie'];
const key = (scope?: string) => ['keyBearer', 'apiKey'].map((s) => (scope ? `${s}:${scope}` : s));

/**
 * The security requirements each route kind of the access policy must show. The policy is written
 * from docs/architecture.md and the access matrix checks the app answers by it, so a document that
 * agrees with it says what the routes really do.
 */
const SECURITY_OF: Record<RouteKind, string[]> = {
  public: [],
  signin: [],
  logout: [],
  me: [...USER, ...key()],
  list: [...USER, ...key('read')],
  create: USER,
  read: [...USER, ...key('read')],
  events: [...USER, ...key('read'), 'apiKeyInQuery:read'],
  manage: USER,
  ingest: [...USER, ...key('ingest')],
  otlp: key('ingest'),
};

function securityOf(op: DocOperation): string[] {
  return op.security.flatMap((requirement) =>
    Object.entries(requirement).map(([scheme, roles]) => [scheme, ...roles].join(':')),
  );
}

let t: TestApp;
let doc: OpenApiDoc;
let routes: RouteEntry[];
beforeAll(async () => {
  t = await startTestApp();
  doc = await fetchDoc(t.url);
  routes = listRoutes(t.app);
});
afterAll(async () => {
  await t.close();
});

describe('the OpenAPI document and the registered routes', () => {
  it('documents every registered route with its method, and nothing else', () => {
    const registered = routes.filter((r) => !UNDOCUMENTED_ROUTES.has(`${r.method} ${r.url}`));
    expect(registered.length).toBeGreaterThanOrEqual(24);
    const documented = [...operationsByShape(doc).keys()].sort();
    expect(documented).toEqual(registered.map((r) => shapeOf(r.method, r.url)).sort());
  });

  it("shows each route's auth as the access policy has it: /v1/logs takes ingest keys only, GET /api/projects read keys too", () => {
    const ops = operationsByShape(doc);
    const wrong: unknown[] = [];
    for (const route of routes) {
      const name = `${route.method} ${route.url}`;
      if (UNDOCUMENTED_ROUTES.has(name)) continue;
      const kind = ROUTE_KINDS[name];
      const op = ops.get(shapeOf(route.method, route.url));
      if (!kind || !op) {
        wrong.push({ route: name, kind, documented: Boolean(op) });
        continue;
      }
      const got = securityOf(op).sort();
      const expected = [...SECURITY_OF[kind]].sort();
      if (JSON.stringify(got) !== JSON.stringify(expected)) wrong.push({ route: name, kind, expected, got });
    }
    expect(wrong).toEqual([]);
    expect(securityOf(ops.get('POST /v1/logs') as DocOperation).sort()).toEqual(['apiKey:ingest', 'keyBearer:ingest']);
    expect(securityOf(ops.get('GET /api/projects') as DocOperation)).toContain('apiKey:read');
  });

  it('gives every operation one success status and 401 among its errors', () => {
    const wrong: string[] = [];
    for (const [name, op] of operationsByShape(doc)) {
      const statuses = Object.keys(op.responses).map(Number);
      if (statuses.filter((s) => s >= 200 && s < 300).length !== 1) wrong.push(`${name}: ${statuses}`);
      if (!statuses.includes(401)) wrong.push(`${name}: no 401 in ${statuses}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('a route that does not declare itself', () => {
  it('cannot be registered without config.auth', async () => {
    const app = Fastify({ logger: false });
    await app.register(errorHandler);
    await app.register(authPlugin, { jwtSecret: TEST_JWT_SECRET });
    const registering = async () => {
      app.get('/undeclared', { config: { openapi: false } }, async () => 'open to anyone');
      await app.ready();
    };
    await expect(registering()).rejects.toThrow(/GET \/undeclared: declare config.auth/);
    await app.close();
  });

  it('cannot be registered without config.openapi where the document is collected', async () => {
    const app = Fastify({ logger: false });
    collectRoutes(app);
    const registering = async () => {
      app.get('/undocumented', { config: { auth: 'public' } }, async () => 'missing from the document');
      await app.ready();
    };
    await expect(registering()).rejects.toThrow(/\/undocumented: describe the route in config.openapi/);
    await app.close();
  });
});
