import type { KeyScope } from '@cloudsage/schema';
import type { FastifyRequest } from 'fastify';
import type { Selectable } from 'kysely';
import { AppError } from '../errors.js';
import type { Identity } from '../identity.js';
import { authorizeProject, type ProjectNeed } from '../services/auth/project-access.js';
import type { ProjectsTable } from '../store/sql/database.js';

/** A credential a route takes: a signed-in user, any project API key, or a key with one scope. */
export type Credential = 'user' | 'key' | `key:${KeyScope}`;

/**
 * Who may call a route, declared once as `config.auth` on the route itself: the auth hook refuses
 * anonymous callers by it, the handlers check the kind and scope by it, and the OpenAPI document
 * shows it (docs/architecture.md, "HTTP API"). `public` routes still refuse credentials that do not verify.
 */
export type RouteAuth = 'public' | readonly [Credential, ...Credential[]];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; every route declares it (the auth plugin refuses to register one without). */
    auth?: RouteAuth;
  }
}

type UserIdentity = Extract<Identity, { kind: 'user' }>;

function declaredAuth(request: FastifyRequest): RouteAuth {
  const auth = request.routeOptions.config.auth;
  if (auth === undefined) throw new Error(`${request.method} ${request.routeOptions.url} declares no config.auth`);
  return auth;
}

/** What a caller the route does not take is told: a key-only route says how to send the key. */
function anonymousMessage(auth: RouteAuth): string | undefined {
  if (auth === 'public' || auth.includes('user')) return undefined;
  const scope = keyScopeOf(auth);
  return `send an ${scope ? `${scope} ` : ''}API key as "Authorization: Bearer csk_..." or x-cloudsage-key`;
}

/**
 * The auth hook's check, before any body is read: a route that is not public refuses a request
 * without credentials (401 `unauthorized`).
 */
export function refuseAnonymous(request: FastifyRequest): void {
  const auth = request.routeOptions.config.auth;
  // Only the not-found handler has no declaration (the auth plugin refuses routes without one).
  if (auth === undefined || auth === 'public' || request.identity) return;
  throw new AppError('unauthorized', anonymousMessage(auth));
}

/** The key scope a route asks of an API key, if it takes keys with one scope only. */
export function keyScopeOf(auth: RouteAuth): KeyScope | undefined {
  if (auth === 'public') return undefined;
  const scoped = auth.find((c) => c.startsWith('key:'));
  return scoped === undefined ? undefined : (scoped.slice('key:'.length) as KeyScope);
}

/**
 * The identity behind the request, checked against the route's declared auth: 401 without one, 403
 * `insufficient_scope` for an API key the route does not take (a user-only route, or a missing scope).
 *
 * @example
 * const identity = requireAccess(request); // on a route declaring auth: ['user', 'key:read']
 */
export function requireAccess(request: FastifyRequest): Identity {
  const auth = declaredAuth(request);
  const identity = request.identity;
  if (!identity) throw new AppError('unauthorized', anonymousMessage(auth));
  if (auth === 'public') return identity;
  if (identity.kind === 'user') {
    if (auth.includes('user')) return identity;
    throw new AppError('unauthorized', anonymousMessage(auth));
  }
  if (auth.includes('key')) return identity;
  const scope = keyScopeOf(auth);
  if (scope === undefined) throw new AppError('insufficient_scope', 'an API key cannot do this; sign in as a user');
  if (!identity.scopes.includes(scope))
    throw new AppError('insufficient_scope', `this API key lacks the ${scope} scope`);
  return identity;
}

/**
 * The user behind the request on a route declared `auth: ['user']`: 401 `unauthorized` without
 * credentials, 403 `insufficient_scope` for an API key (it is authenticated, but only a user may do this).
 *
 * @example
 * const user = requireUser(request); // user.userId
 */
export function requireUser(request: FastifyRequest): UserIdentity {
  const identity = requireAccess(request);
  if (identity.kind === 'key') throw new AppError('insufficient_scope', 'an API key cannot do this; sign in as a user');
  return identity;
}

/** What a project route needs, read from its declared auth: a key scope, or `manage` for a user-only route. */
function projectNeed(auth: RouteAuth): ProjectNeed {
  if (auth === 'public' || auth.includes('key')) throw new Error('a project route names the key scope it takes');
  return keyScopeOf(auth) ?? 'manage';
}

/**
 * The project a route acts on, checked against the route's declared auth: 404 when it is not the
 * caller's (exactly as a missing one), 403 `insufficient_scope` for a key of the project without the
 * declared scope, or any key on a user-only route (docs/architecture.md, "Contract details").
 *
 * @example
 * const project = await authorizedProject(request, request.params.id);
 */
export function authorizedProject(request: FastifyRequest, projectId: string): Promise<Selectable<ProjectsTable>> {
  const need = projectNeed(declaredAuth(request));
  return authorizeProject(request.server.sql.db, request.identity, projectId, need);
}
