import { Credentials, type LoginResponse, type MeResponse, type RegisterResponse } from '@cloudsage/schema';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { acceptJsonOnly } from '../../http/json-body.js';
import { clearSessionCookies, setSessionCookies } from '../../http/session-cookies.js';
import { parseBody } from '../../http/validation.js';
import { requireUser } from '../../plugins/auth.js';
import { findUser, login, register, revokeToken, type Session } from '../../services/auth/accounts.js';

/** Options of the auth routes. */
export interface AuthRoutesOptions {
  jwtSecret: string;
}

/** `POST /api/auth/register`, `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`. */
export default async function authRoutes(app: FastifyInstance, options: AuthRoutesOptions): Promise<void> {
  const secure = app.config.secureCookies;
  acceptJsonOnly(app);
  const signIn = { config: { ignoreSessionCookie: true } };

  app.post('/api/auth/register', signIn, async (request, reply) => {
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

  app.post('/api/auth/login', signIn, async (request, reply) => {
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

  app.post('/api/auth/logout', async (request, reply) => {
    const identity = request.identity;
    if (identity?.kind === 'user') await revokeToken(app.sql.db, identity.tokenId, identity.expiresAt, app.now());
    clearSessionCookies(reply, secure);
    return reply.status(204).send();
  });

  app.get('/api/auth/me', async (request) => {
    const identity = request.identity;
    if (identity?.kind === 'key') {
      const body: MeResponse = { key: { projectId: identity.projectId, scopes: identity.scopes } };
      return body;
    }
    const user = await findUser(app.sql.db, requireUser(request).userId);
    if (!user) throw new AppError('invalid_token', 'the account no longer exists');
    const body: MeResponse = { user };
    return body;
  });
}
