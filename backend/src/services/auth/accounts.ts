import { randomBytes } from 'node:crypto';
import { MIN_PASSWORD_LENGTH, type User } from '@cloudsage/schema';
import type { Kysely, Selectable } from 'kysely';
import { AppError } from '../../errors.js';
import { hitRateLimit, type RateLimit, resetRateLimit, undoRateLimitHit } from '../../store/rate-limits.js';
import type { Database, UsersTable } from '../../store/sql/database.js';
import { isUniqueViolation } from '../../store/sql/unique-violation.js';
import { csrfTokenFor, signToken } from './jwt.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.js';

/**
 * Failed logins allowed before 429: `account` counts one account's failures FROM ONE client
 * address, `ip` all failures from one address. Guessing an account's password from one address
 * therefore locks out only that address: the owner elsewhere still signs in (issue #22).
 */
export const LOGIN_LIMITS: { account: RateLimit; ip: RateLimit } = {
  account: { limit: 10, windowMs: 15 * 60_000 },
  ip: { limit: 50, windowMs: 15 * 60_000 },
};

/** A signed-in session: the token for API clients and what the cookies need. */
export interface Session {
  user: User;
  token: string;
  expiresAt: number;
  csrf: string;
}

/** The API shape of a user row. */
export function toUser(row: Pick<Selectable<UsersTable>, 'id' | 'email' | 'created_at'>): User {
  return { id: row.id, email: row.email, createdAt: new Date(row.created_at).toISOString() };
}

function startSession(secret: string, user: User, now: number): Session {
  const { token, jti, expiresAt } = signToken(secret, { userId: user.id, email: user.email }, now);
  return { user, token, expiresAt, csrf: csrfTokenFor(secret, jti) };
}

/**
 * Creates an account and signs it in. The email is already normalised by the `Credentials`
 * schema (trimmed, lower-cased), so the UNIQUE index is the only duplicate check needed.
 * With `limit`, every attempt that would hash a password takes a slot for the client address
 * first: sign-ups cost a scrypt each and mint accounts, so a script gets 429 with the wait.
 */
export async function register(
  db: Kysely<Database>,
  secret: string,
  credentials: { email: string; password: string },
  now: number,
  limit?: { ip: string; rule: RateLimit },
): Promise<Session> {
  if (credentials.password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('weak_password', `the password needs at least ${MIN_PASSWORD_LENGTH} characters`, {
      details: { field: 'password' },
    });
  }
  if (limit) {
    const s = await hitRateLimit(db, `register:ip:${limit.ip}`, limit.rule, now);
    if (s.count > limit.rule.limit) {
      throw new AppError('rate_limited', 'too many sign-ups from this address', { retryAfter: s.retryAfterSeconds });
    }
  }
  const row = {
    id: `u_${randomBytes(12).toString('base64url')}`,
    email: credentials.email,
    password_hash: await hashPassword(credentials.password),
    created_at: now,
  };
  try {
    await db.insertInto('users').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('email_taken', undefined, { details: { field: 'email' } });
    throw err;
  }
  return startSession(secret, toUser(row), now);
}

/**
 * Checks credentials and signs in. Every attempt takes a slot per (account, client address) and
 * per client address in the shared `rate_limits` table BEFORE any password work, so a parallel
 * burst of guesses gets at most the limit verified, whatever the timing; over either limit answers
 * 429 with the wait. A success then clears that pair's failures and gives the address its slot
 * back, so only failures count. No limit is per account alone: one would let anyone lock the
 * owner out by guessing. `ip` is the client address as fastify sees it behind `TRUST_PROXY`.
 */
export async function login(
  db: Kysely<Database>,
  secret: string,
  credentials: { email: string; password: string },
  ip: string,
  now: number,
): Promise<Session> {
  const accountKey = `login:account-ip:${ip}:${credentials.email}`;
  const ipKey = `login:ip:${ip}`;
  const account = await hitRateLimit(db, accountKey, LOGIN_LIMITS.account, now);
  const address = await hitRateLimit(db, ipKey, LOGIN_LIMITS.ip, now);
  for (const [s, rule] of [
    [account, LOGIN_LIMITS.account],
    [address, LOGIN_LIMITS.ip],
  ] as const) {
    // The count includes this attempt: the limit-th attempt is still verified, the next is not.
    if (s.count > rule.limit) {
      throw new AppError('rate_limited', 'too many failed logins', { retryAfter: s.retryAfterSeconds });
    }
  }
  const row = await db.selectFrom('users').selectAll().where('email', '=', credentials.email).executeTakeFirst();
  const ok = await verifyPassword(credentials.password, row?.password_hash ?? (await dummyPasswordHash()));
  if (!row || !ok) throw new AppError('invalid_credentials');
  await resetRateLimit(db, accountKey);
  await undoRateLimitHit(db, ipKey, LOGIN_LIMITS.ip, now);
  return startSession(secret, toUser(row), now);
}

/** Revokes a token's id until it would have expired anyway (logout); revoking twice is harmless. */
export async function revokeToken(db: Kysely<Database>, jti: string, expiresAt: number, now: number): Promise<void> {
  // Rows of tokens that have expired anyway are dead weight; logout is a rare, cheap place to prune.
  await db.deleteFrom('revoked_tokens').where('expires_at', '<', now).execute();
  await db
    .insertInto('revoked_tokens')
    .values({ jti, expires_at: expiresAt })
    .onConflict((oc) => oc.column('jti').doNothing())
    .execute();
}

/** The user row of a token's subject, or undefined when the account is gone. */
export async function findUser(db: Kysely<Database>, userId: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'email', 'created_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return row ? toUser(row) : undefined;
}
