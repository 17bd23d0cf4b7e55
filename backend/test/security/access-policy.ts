/**
 * The access policy the matrix checks, written from docs/architecture.md ("HTTP API", "Contract details"),
 * not from the code: each route has a kind, each identity a role, and the expected answer of a
 * cell follows from the pair. A route without a kind fails the matrix, so a new route must be
 * placed here before it can ship.
 */

/** What a route needs. */
export type RouteKind =
  | 'public' // health, metrics, docs, the dashboard
  | 'signin' // register, login: never act as the session's user
  | 'logout'
  | 'me'
  | 'list' // GET /api/projects: a user, or a read key (its one project)
  | 'create' // POST /api/projects: a user only
  | 'read' // a project's data: its owner, or a key of the project with `read`
  | 'events' // a read route that also takes the key as `?key=` (EventSource cannot set headers)
  | 'manage' // change a project or its keys: its owner only
  | 'ingest' // POST /api/ingest: its owner, or a key of the project with `ingest`
  | 'otlp'; // POST /v1/logs: a key of the project with `ingest` only

/** Who is calling, as far as the policy cares. */
export type Role =
  | 'anonymous'
  | 'owner'
  | 'other-user'
  | 'key-ingest'
  | 'key-read'
  | 'key-both'
  | 'key-in-url' // a read+ingest key sent as `?key=`: taken by the events stream only
  | 'foreign-key' // a read+ingest key of another user's project
  | 'bad-token' // expired, tampered, alg none, another secret, logged out
  | 'bad-key'; // revoked

/** The route kinds, keyed by `METHOD url-pattern` as Fastify registered them. */
export const ROUTE_KINDS: Record<string, RouteKind> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'GET /api/docs': 'public',
  'GET /api/docs/openapi.json': 'public',
  'GET /api/reference': 'public',
  'GET /api/reference/start.js': 'public',
  'GET /api/reference/swagger-ui-bundle.js': 'public',
  'GET /api/reference/style.css': 'public',
  'GET /*': 'public',
  'POST /api/auth/register': 'signin',
  'POST /api/auth/login': 'signin',
  'POST /api/auth/logout': 'logout',
  'GET /api/auth/me': 'me',
  'GET /api/projects': 'list',
  'POST /api/projects': 'create',
  'GET /api/projects/:id': 'read',
  'PUT /api/projects/:id': 'manage',
  'DELETE /api/projects/:id': 'manage',
  'GET /api/projects/:id/keys': 'manage',
  'POST /api/projects/:id/keys': 'manage',
  'DELETE /api/projects/:id/keys/:keyId': 'manage',
  'POST /api/projects/:id/webhook-secret': 'manage',
  'GET /api/projects/:id/logs': 'read',
  'GET /api/projects/:id/logs/facets': 'read',
  'GET /api/projects/:id/events': 'events',
  'GET /api/risk-history/:projectId': 'read',
  'GET /api/forecast/:projectId': 'read',
  'POST /api/forecast/:projectId/feedback': 'read',
  'POST /api/ingest': 'ingest',
  'POST /v1/logs': 'otlp',
};

/** An expected answer: a 2xx, or an error status with its code. */
export type Expected = { ok: true } | { ok: false; status: number; code: string };

const OK: Expected = { ok: true };
const deny = (status: number, code: string): Expected => ({ ok: false, status, code });
const UNAUTHORIZED = deny(401, 'unauthorized');
const SCOPE = deny(403, 'insufficient_scope');
const HIDDEN = deny(404, 'not_found');

/**
 * The answer a role gets on a route kind. Presented credentials that do not verify answer 401 on
 * every route, public ones included (the auth hook refuses them before routing decides).
 */
export function expectedFor(routeKind: RouteKind, presented: Role): Expected {
  if (presented === 'bad-token') return deny(401, 'invalid_token');
  if (presented === 'bad-key') return deny(401, 'invalid_key');
  // A key in the URL would end up in proxy logs and browser history: only the events stream takes
  // one, as any key; every other route refuses it, public ones included.
  if (presented === 'key-in-url' && routeKind !== 'events') return UNAUTHORIZED;
  const role: Role = presented === 'key-in-url' ? 'key-both' : presented;
  const kind: RouteKind = routeKind === 'events' ? 'read' : routeKind;
  const user = role === 'owner' || role === 'other-user';
  switch (kind) {
    case 'public':
    case 'signin':
    case 'logout':
      return OK;
    case 'me':
      return role === 'anonymous' ? UNAUTHORIZED : OK;
    case 'list':
      if (role === 'anonymous') return UNAUTHORIZED;
      return role === 'key-ingest' ? SCOPE : OK;
    case 'create':
      if (role === 'anonymous') return UNAUTHORIZED;
      return user ? OK : SCOPE;
    case 'read':
    case 'manage':
    case 'ingest':
    case 'otlp': {
      if (role === 'anonymous') return UNAUTHORIZED;
      if (kind === 'otlp' && user) return UNAUTHORIZED; // OTLP takes keys only
      if (role === 'other-user' || role === 'foreign-key') return HIDDEN;
      if (role === 'owner') return OK;
      if (kind === 'manage') return SCOPE;
      const need = kind === 'read' ? 'read' : 'ingest';
      return role === 'key-both' || role === `key-${need}` ? OK : SCOPE;
    }
  }
}
