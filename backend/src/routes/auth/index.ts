import { Credentials, LoginResponse, MeResponse, RegisterResponse } from '@cloudsage/schema';
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { acceptJsonOnly } from '../../http/json-body.js';
import { clearSessionCookies, setSessionCookies } from '../../http/session-cookies.js';
import { parseBody } from '../../http/validation.js';
import { requireAccess } from '../../plugins/route-access.js';
import { findUser, login, register, revokeToken, type Session } from '../../services/auth/accounts.js';

/** Options of the auth routes. */
export interface AuthRoutesOptions {
  jwtSecret: string;
}

/** `POST /api/auth/register`, `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`. */
export default async function authRoutes(app: FastifyInstance, options: AuthRoutesOptions): Promise<void> {
  const secure = app.config.secureCookies;
  acceptJsonOnly(app);
  const signUp: FastifyContextConfig = {
    auth: 'public',
    ignoreSessionCookie: true,
    openapi: {
      summary: 'Create an account; sets the session cookie',
      tag: 'auth',
      body: Credentials,
      status: 201,
      response: RegisterResponse,
      errors: [409, 429],
    },
  };
  app.post('/api/auth/register', { config: signUp }, async (request, reply) => {
    const credentials = parseBody(Credentials, request.body);
    const perHour = app.config.limits.registerRatePerHour;
    const limit = perHour > 0 ? { ip: request.ip, rule: { limit: perHour, windowMs: 60 * 60_000 } } : undefined;
    let session: Session;
    try {
      session = await register(app.sql.db, options.jwtSecret, credentials, app.now(), limit);
    } catch (err) {
      if (err instanceof AppError && err.code === 'rate_limited')
        request.log.warn({ ip: request.ip }, 'sign-up rate limited');
      throw err;
    }
    request.log.info({ userId: session.user.id }, 'account created');
    setSessionCookies(reply, session, secure);
    const body: RegisterResponse = { user: session.user };
    return reply.status(201).send(body);
  });

  const signIn: FastifyContextConfig = {
    auth: 'public',
    ignoreSessionCookie: true,
    openapi: {
      summary: 'Log in: a JWT for API clients and the session cookie',
      tag: 'auth',
      body: Credentials,
      response: LoginResponse,
      errors: [429],
    },
  };
  app.post('/api/auth/login', { config: signIn }, async (request, reply) => {
    const credentials = parseBody(Credentials, request.body);
    let session: Session;
    try {
      session = await login(app.sql.db, options.jwtSecret, credentials, request.ip, app.now());
    } catch (err) {
      // Operators see guessing; the email stays out of the logs (personal data), the address not.
      if (err instanceof AppError && err.code === 'rate_limited')
        request.log.warn({ ip: request.ip }, 'login rate limited');
      throw err;
    }
    request.log.info({ userId: session.user.id }, 'signed in');
    setSessionCookies(reply, session, secure);
    const body: LoginResponse = { token: session.token, user: session.user };
    return body;
  });

  const signOut: FastifyContextConfig = {
    auth: 'public',
    openapi: { summary: 'Revoke the presented token, if any, and clear the cookies', tag: 'auth', status: 204 },
  };
  app.post('/api/auth/logout', { config: signOut }, async (request, reply) => {
    const identity = request.identity;
    if (identity?.kind === 'user') await revokeToken(app.sql.db, identity.tokenId, identity.expiresAt, app.now());
    clearSessionCookies(reply, secure);
    return reply.status(204).send();
  });

  const whoAmI: FastifyContextConfig = {
    auth: ['user', 'key'],
    openapi: { summary: 'The caller: a user, or a key with its project and scopes', tag: 'auth', response: MeResponse },
  };
  app.get('/api/auth/me', { config: whoAmI }, async (request) => {
    const identity = requireAccess(request);
    if (identity.kind === 'key') {
      const body: MeResponse = { key: { projectId: identity.projectId, scopes: identity.scopes } };
      return body;
    }
    const user = await findUser(app.sql.db, identity.userId);
    if (!user) throw new AppError('invalid_token', 'the account no longer exists');
    const body: MeResponse = { user };
    return body;
  });
}
