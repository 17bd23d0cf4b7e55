import { createHmac } from 'node:crypto';
import { LoginResponse, MeResponse, RegisterResponse } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../../src/services/auth/accounts.js';
import { TOKEN_ISSUER, TOKEN_LIFETIME_MS } from '../../src/services/auth/jwt.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import {
  call,
  expectError,
  type ManualClock,
  manualClock,
  newKey,
  newProject,
  PASSWORD,
  signUp,
  uniqueEmail,
} from './support/client.js';

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A token signed with the test secret but with chosen header and claims (forgery attempts). */
function forge(header: unknown, claims: unknown, secret = TEST_JWT_SECRET): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
}

describe.each(SQL_DIALECTS)('auth routes on %s', (dialect) => {
  let t: TestApp;
  let url: string;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = manualClock();
    t = await startTestApp({ dialect, now: clock.now });
    url = t.url;
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('register', () => {
    it('answers 201 { user }, normalises the email, stores a scrypt hash and sets both cookies', async () => {
      const tag = Math.random().toString(36).slice(2, 8);
      const r = await call(url, 'POST', '/api/auth/register', {
        json: { email: `  Mixed.${tag}@Example.COM `, password: PASSWORD },
      });
      expect(r.status).toBe(201);
      expect(RegisterResponse.strict().parse(r.body).user.email).toBe(`mixed.${tag}@example.com`);
      expect(r.body.user.createdAt).toBe(new Date(clock.now()).toISOString());

      const session = r.cookies.cloudsage_session;
      const csrf = r.cookies.csrf;
      expect(session?.attributes).toMatchObject({ httponly: true, samesite: 'Lax', path: '/' });
      // Plain http in development: Secure only when CLOUDSAGE_SECURE_COOKIES is set (below).
      expect(session?.attributes.secure).toBeUndefined();
      expect(csrf?.attributes.httponly).toBeUndefined();
      expect(csrf?.attributes).toMatchObject({ samesite: 'Lax', path: '/' });
      expect(Date.parse(String(session?.attributes.expires))).toBe(
        Math.floor((clock.now() + TOKEN_LIFETIME_MS) / 1000) * 1000,
      );

      const row = await t.sql.store.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', r.body.user.id)
        .executeTakeFirstOrThrow();
      expect(row.email).toBe(`mixed.${tag}@example.com`);
      expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]{86}$/);
      expect(row.password_hash).not.toContain(PASSWORD);

      // The cookie's JWT is a working Bearer token for the same user.
      const me = await call(url, 'GET', '/api/auth/me', { auth: { bearer: session?.value as string } });
      expect(me.body).toEqual({ user: r.body.user });
    });

    it('answers 409 email_taken for an email already registered, in any letter case', async () => {
      const s = await signUp(url);
      const r = await call(url, 'POST', '/api/auth/register', {
        json: { email: s.email.toUpperCase(), password: PASSWORD },
      });
      expectError(r, 409, 'email_taken');
      expect(r.body.error.details).toEqual({ field: 'email' });
      expect(r.cookies.cloudsage_session).toBeUndefined();
    });

    it('creates one account when the same email registers several times at once', async () => {
      const email = uniqueEmail('race');
      const replies = await Promise.all(
        Array.from({ length: 5 }, () =>
          call(url, 'POST', '/api/auth/register', { json: { email, password: PASSWORD } }),
        ),
      );
      expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      const rows = await t.sql.store.db.selectFrom('users').select('id').where('email', '=', email).execute();
      expect(rows).toHaveLength(1);
    });

    it('answers 400 weak_password under the minimum length, naming the field', async () => {
      const r = await call(url, 'POST', '/api/auth/register', { json: { email: uniqueEmail(), password: 'short' } });
      expectError(r, 400, 'weak_password');
      expect(r.body.error.details).toEqual({ field: 'password' });
      const nine = await call(url, 'POST', '/api/auth/register', {
        json: { email: uniqueEmail(), password: '123456789' },
      });
      expectError(nine, 400, 'weak_password');
      const ten = await call(url, 'POST', '/api/auth/register', {
        json: { email: uniqueEmail(), password: '1234567890' },
      });
      expect(ten.status).toBe(201);
    });

    it('answers 400 invalid_body naming the field for a bad or missing email', async () => {
      for (const json of [{ email: 'not-an-email', password: PASSWORD }, { password: PASSWORD }, {}]) {
        const r = await call(url, 'POST', '/api/auth/register', { json });
        expectError(r, 400, 'invalid_body');
        expect(r.body.error.details).toEqual({ field: 'email' });
      }
    });
  });

  describe('login', () => {
    it('answers 200 { token, user } with an HS256 token carrying issuer and expiry, and sets the cookies', async () => {
      const s = await signUp(url);
      const r = await call(url, 'POST', '/api/auth/login', {
        json: { email: `  ${s.email.toUpperCase()}`, password: s.password },
      });
      expect(r.status).toBe(200);
      const body = LoginResponse.strict().parse(r.body);
      expect(body.user).toMatchObject({ id: s.userId, email: s.email });
      const header = JSON.parse(Buffer.from(body.token.split('.')[0] as string, 'base64url').toString('utf8'));
      expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
      expect(claimsOf(body.token)).toMatchObject({
        sub: s.userId,
        iss: TOKEN_ISSUER,
        iat: Math.floor(clock.now() / 1000),
        exp: Math.floor((clock.now() + TOKEN_LIFETIME_MS) / 1000),
      });
      expect(r.cookies.cloudsage_session?.value).toBe(body.token);
      expect(r.cookies.csrf?.value).toMatch(/^[\w-]{43}$/);
    });

    it('answers 401 invalid_credentials alike for a wrong password and an unknown email', async () => {
      const s = await signUp(url);
      const wrong = await call(url, 'POST', '/api/auth/login', {
        json: { email: s.email, password: 'wrong password!' },
      });
      expectError(wrong, 401, 'invalid_credentials');
      const unknown = await call(url, 'POST', '/api/auth/login', {
        json: { email: uniqueEmail(), password: PASSWORD },
      });
      expectError(unknown, 401, 'invalid_credentials');
      expect(unknown.body.error.message).toBe(wrong.body.error.message);
    });

    it('works while the browser still holds a valid session cookie, without a CSRF header', async () => {
      const s = await signUp(url);
      const r = await call(url, 'POST', '/api/auth/login', {
        auth: { session: s, csrf: false },
        json: { email: s.email, password: s.password },
      });
      expect(r.status).toBe(200);
    });

    it('locks an account after its failure limit with 429 and Retry-After, also for the right password, until the window ends', async () => {
      const s = await signUp(url);
      for (let i = 0; i < LOGIN_LIMITS.account.limit; i++) {
        const r = await call(url, 'POST', '/api/auth/login', {
          json: { email: s.email, password: `wrong-${i}-password` },
        });
        expectError(r, 401, 'invalid_credentials');
      }
      const locked = await call(url, 'POST', '/api/auth/login', { json: { email: s.email, password: s.password } });
      expectError(locked, 429, 'rate_limited');
      const retryAfter = Number(locked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(LOGIN_LIMITS.account.windowMs / 1000);
      // Another account from the same address is not locked by this one.
      const other = await signUp(url);
      const fine = await call(url, 'POST', '/api/auth/login', {
        json: { email: other.email, password: other.password },
      });
      expect(fine.status).toBe(200);

      clock.advance(retryAfter * 1000);
      const again = await call(url, 'POST', '/api/auth/login', { json: { email: s.email, password: s.password } });
      expect(again.status).toBe(200);
    });

    it('lets a parallel burst of guesses verify at most the limit, the rest answering 429', async () => {
      const s = await signUp(url);
      const burst = await Promise.all(
        Array.from({ length: LOGIN_LIMITS.account.limit * 2 }, (_, i) =>
          call(url, 'POST', '/api/auth/login', { json: { email: s.email, password: `guess-number-${i}` } }),
        ),
      );
      const statuses = burst.map((r) => r.status);
      expect(statuses.filter((x) => x === 401)).toHaveLength(LOGIN_LIMITS.account.limit);
      expect(statuses.filter((x) => x === 429)).toHaveLength(LOGIN_LIMITS.account.limit);
      clock.advance(LOGIN_LIMITS.account.windowMs);
    });

    it('does not count successful logins against the address', async () => {
      const s = await signUp(url);
      const window = Math.floor(clock.now() / LOGIN_LIMITS.ip.windowMs) * LOGIN_LIMITS.ip.windowMs;
      const key = 'login:ip:127.0.0.1';
      await t.sql.store.db.deleteFrom('rate_limits').where('key', '=', key).execute();
      await t.sql.store.db
        .insertInto('rate_limits')
        .values({ key, window_start: window, count: LOGIN_LIMITS.ip.limit - 1 })
        .execute();
      // One failure short of the limit: successes neither use up nor consume the last attempt.
      for (let i = 0; i < 3; i++) {
        const r = await call(url, 'POST', '/api/auth/login', { json: { email: s.email, password: s.password } });
        expect(r.status).toBe(200);
      }
      const last = await call(url, 'POST', '/api/auth/login', {
        json: { email: s.email, password: 'wrong password!' },
      });
      expectError(last, 401, 'invalid_credentials');
      const blocked = await call(url, 'POST', '/api/auth/login', { json: { email: s.email, password: s.password } });
      expectError(blocked, 429, 'rate_limited');
      clock.advance(LOGIN_LIMITS.ip.windowMs);
    });

    it('limits failures per client address across accounts', async () => {
      const s = await signUp(url);
      // Earlier failures from 127.0.0.1 in this window count too; fill the address's counter to
      // one below its limit as a burst of guesses at other accounts would, then make one more.
      const window = Math.floor(clock.now() / LOGIN_LIMITS.ip.windowMs) * LOGIN_LIMITS.ip.windowMs;
      const key = 'login:ip:127.0.0.1';
      await t.sql.store.db.deleteFrom('rate_limits').where('key', '=', key).execute();
      await t.sql.store.db
        .insertInto('rate_limits')
        .values({ key, window_start: window, count: LOGIN_LIMITS.ip.limit - 1 })
        .execute();
      const last = await call(url, 'POST', '/api/auth/login', { json: { email: uniqueEmail(), password: PASSWORD } });
      expectError(last, 401, 'invalid_credentials');
      const blocked = await call(url, 'POST', '/api/auth/login', { json: { email: s.email, password: s.password } });
      expectError(blocked, 429, 'rate_limited');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      clock.advance(LOGIN_LIMITS.ip.windowMs);
      const after = await call(url, 'POST', '/api/auth/login', { json: { email: s.email, password: s.password } });
      expect(after.status).toBe(200);
    });
  });

  describe('me', () => {
    it('answers the user for a Bearer token and for the session cookie (no CSRF needed to read)', async () => {
      const s = await signUp(url);
      const bearer = await call(url, 'GET', '/api/auth/me', { auth: { bearer: s.token } });
      expect(bearer.status).toBe(200);
      expect(MeResponse.parse(bearer.body)).toEqual({
        user: { id: s.userId, email: s.email, createdAt: expect.any(String) },
      });
      const cookie = await call(url, 'GET', '/api/auth/me', { auth: { session: s, csrf: false } });
      expect(cookie.body).toEqual(bearer.body);
    });

    it('answers { key: { projectId, scopes } } for an API key, by Bearer or header; not for one in the URL', async () => {
      const s = await signUp(url);
      const projectId = await newProject(url, s);
      const { key } = await newKey(url, s, projectId, ['read', 'ingest']);
      for (const via of ['bearer', 'header'] as const) {
        const r = await call(url, 'GET', '/api/auth/me', { auth: { key, via } });
        expect(r.status).toBe(200);
        expect(r.body).toEqual({ key: { projectId, scopes: ['ingest', 'read'] } });
      }
      // `?key=` is for the events stream (EventSource) only.
      expectError(await call(url, 'GET', '/api/auth/me', { auth: { key, via: 'query' } }), 401, 'unauthorized');
    });

    it('answers 401 without credentials and ignores a stale cookie', async () => {
      expectError(await call(url, 'GET', '/api/auth/me'), 401, 'unauthorized');
      const stale = await call(url, 'GET', '/api/auth/me', { headers: { cookie: 'cloudsage_session=garbage' } });
      expectError(stale, 401, 'unauthorized');
    });

    it('refuses forged, tampered, foreign-issuer, alg-none, malformed and expired tokens with 401 invalid_token', async () => {
      const s = await signUp(url);
      const claims = claimsOf(s.token);
      const [h, p] = s.token.split('.') as [string, string];
      const tampered = `${h}.${b64({ ...claims, sub: 'u_someone_else' })}.${s.token.split('.')[2]}`;
      const noneAlg = `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`;
      const tokens = [
        tampered,
        noneAlg,
        forge({ alg: 'HS512', typ: 'JWT' }, claims),
        forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, iss: 'someone-else' }),
        forge({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-of-enough-length-000000000'),
        forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: Math.floor(clock.now() / 1000) - 1 }),
        'not.a.jwt',
        'x'.repeat(5000),
      ];
      for (const token of tokens) {
        expectError(await call(url, 'GET', '/api/auth/me', { auth: { bearer: token } }), 401, 'invalid_token');
      }
      // A correctly forged token (same secret, right claims) passes, so the refusals above are the checks'.
      const good = forge({ alg: 'HS256', typ: 'JWT' }, claims);
      expect((await call(url, 'GET', '/api/auth/me', { auth: { bearer: good } })).status).toBe(200);
      const malformedHeader = await call(url, 'GET', '/api/auth/me', { headers: { authorization: 'Token abc' } });
      expectError(malformedHeader, 401, 'invalid_token');
      expectError(await call(url, 'GET', '/api/auth/me', { auth: { key: 'csk_nope' } }), 401, 'invalid_key');
    });

    it('refuses a token once it has expired', async () => {
      const s = await signUp(url);
      clock.advance(TOKEN_LIFETIME_MS - 1000);
      expect((await call(url, 'GET', '/api/auth/me', { auth: { bearer: s.token } })).status).toBe(200);
      clock.advance(1000);
      expectError(await call(url, 'GET', '/api/auth/me', { auth: { bearer: s.token } }), 401, 'invalid_token');
    });
  });

  describe('logout', () => {
    it('revokes a Bearer token: the same token then answers 401, a new login works', async () => {
      const s = await signUp(url);
      const r = await call(url, 'POST', '/api/auth/logout', { auth: { bearer: s.token } });
      expect(r.status).toBe(204);
      expectError(await call(url, 'GET', '/api/auth/me', { auth: { bearer: s.token } }), 401, 'invalid_token');
      const revoked = await t.sql.store.db
        .selectFrom('revoked_tokens')
        .selectAll()
        .where('jti', '=', String(claimsOf(s.token).jti))
        .executeTakeFirst();
      expect(revoked?.expires_at).toBe(Number(claimsOf(s.token).exp) * 1000);
      const login = await call(url, 'POST', '/api/auth/login', { json: { email: s.email, password: s.password } });
      expect(login.status).toBe(200);
      expect((await call(url, 'GET', '/api/auth/me', { auth: { bearer: login.body.token } })).status).toBe(200);
    });

    it('needs the CSRF token with the cookie, then revokes the session and expires both cookies', async () => {
      const s = await signUp(url);
      expectError(
        await call(url, 'POST', '/api/auth/logout', { auth: { session: s, csrf: false } }),
        403,
        'csrf_failed',
      );
      expectError(await call(url, 'POST', '/api/auth/logout', { auth: { session: s, csrf: 'x' } }), 403, 'csrf_failed');
      // Still signed in: the refused logouts changed nothing.
      expect((await call(url, 'GET', '/api/auth/me', { auth: { session: s } })).status).toBe(200);

      const r = await call(url, 'POST', '/api/auth/logout', { auth: { session: s }, contentType: 'application/json' });
      expect(r.status).toBe(204);
      for (const name of ['cloudsage_session', 'csrf']) {
        expect(r.cookies[name]?.value).toBe('');
        expect(Date.parse(String(r.cookies[name]?.attributes.expires))).toBeLessThan(clock.now());
      }
      expectError(await call(url, 'GET', '/api/auth/me', { auth: { bearer: s.token } }), 401, 'invalid_token');
    });

    it('answers 204 without a session (nothing to revoke, cookies cleared anyway)', async () => {
      const r = await call(url, 'POST', '/api/auth/logout');
      expect(r.status).toBe(204);
      expect(r.cookies.cloudsage_session?.value).toBe('');
    });
  });
});

describe.each(SQL_DIALECTS)('sign-up limit per client address on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = manualClock();
    t = await startTestApp({ dialect, now: clock.now, env: { CLOUDSAGE_REGISTER_RATE_PER_HOUR: '3' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const signUpAs = (ip: string, password = PASSWORD) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      remoteAddress: ip,
      payload: { email: uniqueEmail(), password },
    });

  it('answers 429 with Retry-After past the hourly limit, for that address only, until the hour has passed', async () => {
    // Refused bodies cost no hashing and take no slot.
    expect((await signUpAs('203.0.113.7', 'short')).statusCode).toBe(400);
    for (let i = 0; i < 3; i++) expect((await signUpAs('203.0.113.7')).statusCode).toBe(201);
    const blocked = await signUpAs('203.0.113.7');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(3600);
    // Nothing was created for the refused attempt, and another address is not affected.
    expect((await signUpAs('198.51.100.9')).statusCode).toBe(201);
    const users = await t.sql.store.db.selectFrom('users').select('id').execute();
    expect(users).toHaveLength(4);
    clock.advance(60 * 60_000 + 1);
    expect((await signUpAs('203.0.113.7')).statusCode).toBe(201);
  });
});

describe('session cookies with CLOUDSAGE_SECURE_COOKIES=1', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Cookie attributes do not depend on the SQL dialect; one store is enough here.
    t = await startTestApp({ env: { CLOUDSAGE_SECURE_COOKIES: '1' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('marks both cookies Secure, on register, login and logout', async () => {
    const r = await call(t.url, 'POST', '/api/auth/register', { json: { email: uniqueEmail(), password: PASSWORD } });
    const login = await call(t.url, 'POST', '/api/auth/login', {
      json: { email: r.body.user.email, password: PASSWORD },
    });
    const logout = await call(t.url, 'POST', '/api/auth/logout', { auth: { bearer: login.body.token } });
    for (const reply of [r, login, logout]) {
      expect(reply.cookies.cloudsage_session?.attributes.secure).toBe(true);
      expect(reply.cookies.csrf?.attributes.secure).toBe(true);
    }
  });
});
