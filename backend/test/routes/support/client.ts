import { randomBytes } from 'node:crypto';
import { ErrorBody } from '@cloudsage/schema';
import { expect } from 'vitest';

/** How a test request authenticates. */
export type Auth =
  | { bearer: string }
  | { key: string; via?: 'bearer' | 'header' | 'query' }
  | { session: Session; csrf?: string | false }
  | undefined;

/** A signed-in user as the tests see it: the JWT, and the dashboard's two cookies. */
export interface Session {
  userId: string;
  email: string;
  password: string;
  token: string;
  csrf: string;
}

/** What a set-cookie line says. */
export interface SetCookie {
  value: string;
  attributes: Record<string, string | true>;
}

/** An answer, read whole. */
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
  cookies: Record<string, SetCookie>;
}

/** Options of {@link call}. */
export interface CallOptions {
  auth?: Auth;
  /** JSON-encoded unless `raw` is given. */
  json?: unknown;
  raw?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

function parseSetCookie(lines: string[]): Record<string, SetCookie> {
  const out: Record<string, SetCookie> = {};
  for (const line of lines) {
    const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const attributes: Record<string, string | true> = {};
    for (const a of attrs) {
      const i = a.indexOf('=');
      if (i < 0) attributes[a.toLowerCase()] = true;
      else attributes[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
    }
    out[pair.slice(0, eq)] = { value: decodeURIComponent(pair.slice(eq + 1)), attributes };
  }
  return out;
}

/**
 * One HTTP request to the test backend over a real socket.
 *
 * @example
 * const r = await call(url, 'POST', '/api/projects', { auth: { bearer: token }, json: { name: 'a' } });
 */
export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let url = `${base}${path}`;
  const auth = options.auth;
  if (auth && 'bearer' in auth) headers.authorization = `Bearer ${auth.bearer}`;
  if (auth && 'key' in auth) {
    if (auth.via === 'header') headers['x-cloudsage-key'] = auth.key;
    else if (auth.via === 'query') url += `${url.includes('?') ? '&' : '?'}key=${encodeURIComponent(auth.key)}`;
    else headers.authorization = `Bearer ${auth.key}`;
  }
  if (auth && 'session' in auth) {
    headers.cookie = `cloudsage_session=${auth.session.token}; csrf=${auth.session.csrf}`;
    const csrf = auth.csrf === undefined ? auth.session.csrf : auth.csrf;
    if (csrf !== false) headers['x-csrf-token'] = csrf;
  }
  let body: string | Uint8Array | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.json !== undefined) body = JSON.stringify(options.json);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  else if (options.contentType) headers['content-type'] = options.contentType;
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return {
    status: res.status,
    headers: res.headers,
    body: parsed as T,
    text,
    cookies: parseSetCookie(res.headers.getSetCookie()),
  };
}

/** Asserts an error answer: the status, the `{ error: { code, message, details? } }` shape and the code. */
export function expectError(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, body: reply.body }).toMatchObject({ status, body: { error: { code } } });
  expect(ErrorBody.safeParse(reply.body).success).toBe(true);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
}

/** A unique, valid email for a test account. */
export function uniqueEmail(tag = 'user'): string {
  return `${tag}-${randomBytes(5).toString('hex')}@example.com`;
}

/** A password long enough for registration. */
export const PASSWORD = 'correct horse battery staple';

/**
 * Registers a new account and answers its session, read from the cookies register sets (the
 * session cookie holds the same JWT login answers, so no second password hash is spent).
 */
export async function signUp(base: string, email = uniqueEmail(), password = PASSWORD): Promise<Session> {
  const r = await call(base, 'POST', '/api/auth/register', { json: { email, password } });
  expect(r.status).toBe(201);
  const token = r.cookies.cloudsage_session?.value;
  const csrf = r.cookies.csrf?.value;
  if (!token || !csrf) throw new Error('register set no session cookies');
  return { userId: r.body.user.id, email: r.body.user.email, password, token, csrf };
}

/** Creates a project for a user and answers its id. */
export async function newProject(base: string, session: Session, name = 'project'): Promise<string> {
  const r = await call(base, 'POST', '/api/projects', { auth: { bearer: session.token }, json: { name } });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

/** Creates an API key on a project and answers its id and secret. */
export async function newKey(
  base: string,
  session: Session,
  projectId: string,
  scopes: Array<'ingest' | 'read'>,
): Promise<{ id: string; key: string }> {
  const r = await call(base, 'POST', `/api/projects/${projectId}/keys`, {
    auth: { bearer: session.token },
    json: { name: scopes.join('+'), scopes },
  });
  expect(r.status).toBe(201);
  return { id: r.body.id, key: r.body.key };
}

/** A clock the tests move by hand (token expiry, rate-limit windows). */
export interface ManualClock {
  now: () => number;
  advance(ms: number): void;
}

/** A manual clock starting at `start` (epoch ms). */
export function manualClock(start = Date.parse('2026-11-25T12:00:00.000Z')): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}
