import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from '../http/session-cookies.js';
import type { Identity } from '../identity.js';
import { looksLikeApiKey, resolveApiKey } from '../services/auth/api-key-lookup.js';
import { csrfTokenFor, safeEqual, verifyToken } from '../services/auth/jwt.js';

/** Options of the auth plugin. */
export interface AuthOptions {
  /** The HS256 secret user tokens are signed with. */
  jwtSecret: string;
}

type UserIdentity = Extract<Identity, { kind: 'user' }>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route never acts as the session's user (login, register), so the session cookie is not
     * read and no CSRF token is asked for: a signed-in browser can still sign in again.
     */
    ignoreSessionCookie?: boolean;
    /**
     * The route accepts an API key as `?key=` (the events stream: EventSource cannot set headers).
     * Elsewhere a key in the URL is refused: URLs end up in proxy logs and browser history.
     */
    keyInQuery?: boolean;
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The user behind the request: 401 `unauthorized` without credentials, 403 `insufficient_scope`
 * for an API key (it is authenticated, but only a user may do this).
 *
 * @example
 * const user = requireUser(request); // user.userId
 */
export function requireUser(request: FastifyRequest): UserIdentity {
  const identity = request.identity;
  if (identity?.kind === 'key')
    throw new AppError('insufficient_scope', 'an API key cannot do this; sign in as a user');
  if (identity?.kind !== 'user') throw new AppError('unauthorized', 'sign in as a user to do this');
  return identity;
}

/**
 * An onRequest hook for route plugins whose every route needs credentials: refuses anonymous
 * requests with 401 before their bodies are read (the auth hook itself leaves them through).
 *
 * @example
 * app.addHook('onRequest', requireCredentials);
 */
export async function requireCredentials(request: FastifyRequest): Promise<void> {
  if (!request.identity) throw new AppError('unauthorized');
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers['x-cloudsage-key'];
  if (typeof header === 'string' && header) return header;
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = query?.key;
  if (fromQuery === undefined || fromQuery === '') return undefined;
  // `?key=` exists for EventSource, which cannot set headers (docs/architecture.md, "Events"), and only there.
  if (!request.routeOptions.config?.keyInQuery) {
    throw new AppError(
      'unauthorized',
      'an API key in the URL (?key=) is accepted only by the events stream; send it as x-cloudsage-key or Authorization: Bearer',
    );
  }
  return typeof fromQuery === 'string' ? fromQuery : undefined;
}

async function userFromToken(
  app: FastifyInstance,
  secret: string,
  token: string,
  via: 'bearer' | 'cookie',
): Promise<UserIdentity | undefined> {
  const claims = verifyToken(secret, token, app.now());
  if (!claims) return undefined;
  const revoked = await app.sql.db
    .selectFrom('revoked_tokens')
    .select('jti')
    .where('jti', '=', claims.jti)
    .executeTakeFirst();
  if (revoked) return undefined;
  return {
    kind: 'user',
    userId: claims.sub,
    email: claims.email,
    via,
    tokenId: claims.jti,
    expiresAt: claims.exp * 1000,
  };
}

async function keyIdentity(app: FastifyInstance, key: string): Promise<Identity> {
  const identity = looksLikeApiKey(key) ? await resolveApiKey(app.sql.db, key, app.now()) : undefined;
  if (!identity) throw new AppError('invalid_key');
  return identity;
}

/**
 * Resolves `request.identity` before anything else runs (onRequest, so bodies of unauthenticated
 * requests are never parsed). Order: `Authorization: Bearer` (a JWT, or a `csk_` key), then
 * `x-cloudsage-key` or (on routes with `keyInQuery`) `?key=`, then the session cookie. Presented but invalid credentials answer
 * 401; none leaves the identity null, for routes to refuse as they see fit.
 */
async function auth(app: FastifyInstance, options: AuthOptions): Promise<void> {
  await app.register(fastifyCookie);
  const secret = options.jwtSecret;

  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization;
    if (typeof authorization === 'string' && authorization) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) throw new AppError('invalid_token', 'the Authorization header must be "Bearer <token>"');
      const credential = match[1] as string;
      if (looksLikeApiKey(credential)) {
        request.identity = await keyIdentity(app, credential);
        return;
      }
      const user = await userFromToken(app, secret, credential, 'bearer');
      if (!user) throw new AppError('invalid_token');
      request.identity = user;
      return;
    }
    const key = presentedKey(request);
    if (key) {
      request.identity = await keyIdentity(app, key);
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie || request.routeOptions.config?.ignoreSessionCookie) return;
    // A stale cookie is ignored rather than refused: it must not lock the browser out of the
    // login page. Routes that need a user still answer 401 `unauthorized`.
    const user = await userFromToken(app, secret, cookie, 'cookie');
    if (!user) return;
    if (WRITE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      const echoed = typeof header === 'string' ? header : '';
      const cookieValue = request.cookies[CSRF_COOKIE] ?? '';
      const expected = csrfTokenFor(secret, user.tokenId);
      if (!echoed || !safeEqual(echoed, cookieValue) || !safeEqual(echoed, expected)) {
        throw new AppError('csrf_failed');
      }
    }
    request.identity = user;
  });
}

export default fp(auth, { name: 'auth', dependencies: ['error-handler'] });
