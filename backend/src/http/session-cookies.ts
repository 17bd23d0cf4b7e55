import type { FastifyReply } from 'fastify';

/** The httpOnly cookie carrying the dashboard's JWT. */
export const SESSION_COOKIE = 'cloudsage_session';
/** The readable cookie the dashboard echoes in `X-CSRF-Token` (double submit). */
export const CSRF_COOKIE = 'csrf';
/** The header that must echo the `csrf` cookie on cookie-authenticated writes. */
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Sets the session cookie (httpOnly) and the CSRF cookie (readable by the dashboard's script),
 * both expiring with the token. SameSite=Lax keeps them off cross-site POSTs; the CSRF check
 * covers what Lax does not (same-site siblings, older browsers).
 */
export function setSessionCookies(
  reply: FastifyReply,
  session: { token: string; expiresAt: number; csrf: string },
  secure: boolean,
): void {
  const expires = new Date(session.expiresAt);
  reply.setCookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'lax', path: '/', secure, expires });
  reply.setCookie(CSRF_COOKIE, session.csrf, { httpOnly: false, sameSite: 'lax', path: '/', secure, expires });
}

/** Expires both cookies (logout). */
export function clearSessionCookies(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure });
  reply.clearCookie(CSRF_COOKIE, { httpOnly: false, sameSite: 'lax', path: '/', secure });
}
