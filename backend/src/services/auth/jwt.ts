import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a user token (and the session cookie) lives. */
export const TOKEN_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** The `iss` claim of every token we sign; a token from another issuer is rejected. */
export const TOKEN_ISSUER = 'cloudsage';

/** The claims of a verified user token (times in epoch seconds, as RFC 7519 has them). */
export interface TokenClaims {
  sub: string;
  email: string;
  iss: string;
  iat: number;
  exp: number;
  jti: string;
}

// The header is fixed: we only ever sign HS256, and verification pins the same algorithm.
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function sign(secret: string, input: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

/**
 * Signs a user token (HS256) valid for `TOKEN_LIFETIME_MS` from `now`.
 *
 * @example
 * const { token, jti, expiresAt } = signToken(secret, { userId, email }, Date.now());
 */
export function signToken(
  secret: string,
  user: { userId: string; email: string },
  now: number,
): { token: string; jti: string; expiresAt: number } {
  const jti = randomBytes(16).toString('base64url');
  const iat = Math.floor(now / 1000);
  const exp = Math.floor((now + TOKEN_LIFETIME_MS) / 1000);
  const claims: TokenClaims = { sub: user.userId, email: user.email, iss: TOKEN_ISSUER, iat, exp, jti };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = sign(secret, `${HEADER}.${payload}`).toString('base64url');
  return { token: `${HEADER}.${payload}.${signature}`, jti, expiresAt: exp * 1000 };
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Verifies a token's signature and claims; answers the claims, or undefined for anything wrong.
 * The algorithm is pinned to HS256 (RFC 8725 §3.1): `alg: none`, RS256 and the rest are refused
 * before any signature work. Revocation (`jti`) is the caller's check, since it needs the store.
 */
export function verifyToken(secret: string, token: string, now: number): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart) as { alg?: unknown; typ?: unknown } | undefined;
  if (!header || typeof header !== 'object' || header.alg !== 'HS256') return undefined;
  if (header.typ !== undefined && header.typ !== 'JWT') return undefined;
  const expected = sign(secret, `${headerPart}.${payloadPart}`);
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const c = decodeJson(payloadPart) as Partial<TokenClaims> | undefined;
  if (!c || typeof c !== 'object') return undefined;
  if (typeof c.sub !== 'string' || typeof c.email !== 'string' || typeof c.jti !== 'string' || !c.jti) return undefined;
  if (c.iss !== TOKEN_ISSUER || typeof c.exp !== 'number' || typeof c.iat !== 'number') return undefined;
  if (c.exp * 1000 <= now) return undefined;
  return c as TokenClaims;
}

/**
 * The CSRF token of a session: an HMAC of its `jti`, so a `csrf` cookie planted by a sibling
 * origin cannot pass for the session's own (a plain random double-submit value could).
 */
export function csrfTokenFor(secret: string, jti: string): string {
  return createHmac('sha256', secret).update(`csrf:${jti}`).digest('base64url');
}

/** Compares two strings in constant time (for equal lengths; different lengths are unequal). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
