import { createHmac, randomBytes } from 'node:crypto';
import { csrfTokenFor, signToken, TOKEN_LIFETIME_MS } from '../../src/services/auth/jwt.js';
import { TEST_JWT_SECRET } from '../support/app.js';
import type { Role } from './access-policy.js';

/** How a request presents itself: headers, and a query string (`?key=`) when the key rides there. */
export interface Credentials {
  headers: Record<string, string>;
  query?: Record<string, string>;
}

/** A named identity of the matrix; `make` is called once per cell, so a logout cannot spoil the next. */
export interface MatrixIdentity {
  name: string;
  role: Role;
  /** Cookie-authenticated: writes need the CSRF header (added here, as the dashboard does). */
  cookie?: boolean;
  make(): Promise<Credentials>;
}

/** A user as the matrix knows it. */
export interface MatrixUser {
  userId: string;
  email: string;
}

/** Every secret the matrix handed out, for the no-secrets-in-logs check. */
export const secrets = new Set<string>([TEST_JWT_SECRET]);

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function partsOf(token: string): [Record<string, unknown>, Record<string, unknown>, string] {
  const [h, p, s] = token.split('.') as [string, string, string];
  const decode = (x: string) => JSON.parse(Buffer.from(x, 'base64url').toString('utf8'));
  return [decode(h), decode(p), s];
}

/** A real token for the user, exactly as login issues it (same secret, same claims). */
export function mint(user: MatrixUser, now = Date.now()): string {
  const { token } = signToken(TEST_JWT_SECRET, user, now);
  secrets.add(token);
  secrets.add(token.split('.')[2] as string);
  return token;
}

export const bearer = (token: string): Credentials => ({ headers: { authorization: `Bearer ${token}` } });

/** The session cookie and its CSRF pair for a token, as the dashboard holds them. */
export function cookieOf(token: string, csrf = csrfTokenFor(TEST_JWT_SECRET, String(partsOf(token)[1].jti))) {
  secrets.add(csrf);
  return { cookie: `cloudsage_session=${token}; csrf=${csrf}`, csrf };
}

/** Forged tokens: none of them may ever authenticate. */
export function forgeries(owner: MatrixUser, other: MatrixUser): Array<[string, string]> {
  const ownerToken = mint(owner);
  const [header, claims] = partsOf(ownerToken);
  const [, otherClaims, otherSig] = partsOf(mint(other));
  const hs = (input: string, secret: string) => createHmac('sha256', secret).update(input).digest('base64url');
  const otherSecret = `another-secret-${randomBytes(16).toString('hex')}`;
  const signedElsewhere = `${b64(header)}.${b64(claims)}`;
  return [
    ['expired token', mint(owner, Date.now() - TOKEN_LIFETIME_MS - 60_000)],
    // The other user's real signature over a payload changed to name the owner.
    [
      'tampered payload',
      `${b64(header)}.${b64({ ...otherClaims, sub: owner.userId, email: owner.email })}.${otherSig}`,
    ],
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
    ['signed with another secret', `${signedElsewhere}.${hs(signedElsewhere, otherSecret)}`],
  ];
}

/** A fresh token whose owner then logged out (revoked server-side). */
export async function loggedOutToken(base: string, owner: MatrixUser): Promise<string> {
  const token = mint(owner);
  const res = await fetch(`${base}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 204) throw new Error(`logout answered ${res.status}`);
  return token;
}
