import { API_KEY_HEADER } from '@cloudsage/schema';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from '../http/session-cookies.js';
import type { Identity } from '../identity.js';
import { looksLikeApiKey, resolveApiKey } from '../services/auth/api-key-lookup.js';
import { csrfTokenFor, safeEqual, verifyToken } from '../services/auth/jwt.js';
import { refuseAnonymous } from './route-access.js';

/** Options of the auth plugin. */
export interface AuthOptions {
  /** The HS256 secret user tokens are signed with. */
  jwtSecret: string;
}

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

type UserIdentity = Extract<Identity, { kind: 'user' }>;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers[API_KEY_HEADER];
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
  // One query: the token is not revoked AND its account still exists. A deleted account's token
  // must not authenticate anything (routes that trust `userId` would act for no one, or 500).
  const live = await app.sql.db
    .selectFrom('users')
    .select('users.id')
    .where('users.id', '=', claims.sub)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('revoked_tokens').select('jti').where('jti', '=', claims.jti))),
    )
    .executeTakeFirst();
  if (!live) return undefined;
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
 * requests are never parsed), then refuses a caller without credentials on a route whose declared
 * `config.auth` is not `public`. Presented but invalid credentials answer 401 on every route; kinds
 * and scopes are checked by the handlers through `plugins/route-access.ts`, after the project is known.
 */
async function auth(app: FastifyInstance, options: AuthOptions): Promise<void> {
  await app.register(fastifyCookie);
  const secret = options.jwtSecret;

  // Every route says who may call it; one that does not would be open to anyone by omission.
  app.addHook('onRoute', (route) => {
    if (route.config?.auth === undefined) throw new Error(`${route.method} ${route.url}: declare config.auth`);
  });

  app.addHook('onRequest', async (request) => {
    request.identity = await identify(app, secret, request);
    refuseAnonymous(request);
  });
}

/**
 * Who presented which credentials. Order: `Authorization: Bearer` (a JWT, or a `csk_` key), then
 * `x-cloudsage-key` or (on routes with `keyInQuery`) `?key=`, then the session cookie. Presented but
 * invalid credentials throw 401; none answers null.
 */
async function identify(app: FastifyInstance, secret: string, request: FastifyRequest): Promise<Identity | null> {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new AppError('invalid_token', 'the Authorization header must be "Bearer <token>"');
    const credential = match[1] as string;
    if (looksLikeApiKey(credential)) return keyIdentity(app, credential);
    const user = await userFromToken(app, secret, credential, 'bearer');
    if (!user) throw new AppError('invalid_token');
    return user;
  }
  const key = presentedKey(request);
  if (key) return keyIdentity(app, key);
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie || request.routeOptions.config?.ignoreSessionCookie) return null;
  // A stale cookie is ignored rather than refused: it must not lock the browser out of the
  // login page. Routes that need a user still answer 401 `unauthorized`.
  const user = await userFromToken(app, secret, cookie, 'cookie');
  if (!user) return null;
  if (WRITE_METHODS.has(request.method)) {
    const header = request.headers[CSRF_HEADER];
    const echoed = typeof header === 'string' ? header : '';
    const cookieValue = request.cookies[CSRF_COOKIE] ?? '';
    const expected = csrfTokenFor(secret, user.tokenId);
    if (!echoed || !safeEqual(echoed, cookieValue) || !safeEqual(echoed, expected)) {
      throw new AppError('csrf_failed');
    }
  }
  return user;
}

export default fp(auth, { name: 'auth', dependencies: ['error-handler'] });
