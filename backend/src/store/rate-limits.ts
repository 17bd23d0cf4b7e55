import type { Kysely } from 'kysely';
import type { Database } from './sql/database.js';

/** A fixed-window limit: at most `limit` hits per `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** Whether a key is over its limit, and for how many seconds more (for `Retry-After`). */
export interface RateLimitState {
  count: number;
  limited: boolean;
  retryAfterSeconds: number;
}

function windowStart(now: number, windowMs: number): number {
  return Math.floor(now / windowMs) * windowMs;
}

function state(count: number, start: number, rule: RateLimit, now: number): RateLimitState {
  return {
    count,
    limited: count >= rule.limit,
    retryAfterSeconds: Math.max(1, Math.ceil((start + rule.windowMs - now) / 1000)),
  };
}

/**
 * Reads a key's count in the current window without adding to it. Counters live in the
 * `rate_limits` table so every replica sees the same numbers (docs/architecture.md, "Shared state").
 */
export async function peekRateLimit(
  db: Kysely<Database>,
  key: string,
  rule: RateLimit,
  now: number,
): Promise<RateLimitState> {
  const start = windowStart(now, rule.windowMs);
  const row = await db
    .selectFrom('rate_limits')
    .select(['window_start', 'count'])
    .where('key', '=', key)
    .executeTakeFirst();
  return state(row && row.window_start === start ? row.count : 0, start, rule, now);
}

/**
 * Adds one hit to each key in the current window and answers their new states, in the keys'
 * order. One upsert statement for all of them, so replicas counting the same keys at once never
 * lose a hit and the keys move together; a row from an older window restarts at 1. The keys
 * must differ (PostgreSQL refuses to update one row twice in a statement). `by` counts a hit as
 * several (a quota of records rather than requests).
 *
 * @example
 * const [project, caller] = await hitRateLimits(db, ['ingest:project:p1', 'ingest:caller:key:k1'], rule, now);
 */
export async function hitRateLimits(
  db: Kysely<Database>,
  keys: readonly string[],
  rule: RateLimit,
  now: number,
  by = 1,
): Promise<RateLimitState[]> {
  const start = windowStart(now, rule.windowMs);
  const rows = await db
    .insertInto('rate_limits')
    .values(keys.map((key) => ({ key, window_start: start, count: by })))
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        count: eb
          .case()
          .when('rate_limits.window_start', '=', start)
          .then(eb('rate_limits.count', '+', by))
          .else(by)
          .end(),
        window_start: start,
      })),
    )
    .returning(['key', 'count'])
    .execute();
  const counts = new Map(rows.map((r) => [r.key, Number(r.count)]));
  return keys.map((key) => state(counts.get(key) ?? 0, start, rule, now));
}

/**
 * Adds one hit to a key in the current window and answers the new state (`hitRateLimits` for one).
 *
 * @example
 * const s = await hitRateLimit(db, `login:ip:${ip}`, { limit: 50, windowMs: 900_000 }, now);
 */
export async function hitRateLimit(
  db: Kysely<Database>,
  key: string,
  rule: RateLimit,
  now: number,
): Promise<RateLimitState> {
  return (await hitRateLimits(db, [key], rule, now))[0]!;
}

/** Forgets a key (a successful login clears its account's failures). */
export async function resetRateLimit(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}

/**
 * Takes back one hit of the current window (an attempt counted up front that turned out not to
 * be a failure); never below zero, and a row of an older window is left alone.
 */
export async function undoRateLimitHit(db: Kysely<Database>, key: string, rule: RateLimit, now: number): Promise<void> {
  await db
    .updateTable('rate_limits')
    .set((eb) => ({ count: eb('count', '-', 1) }))
    .where('key', '=', key)
    .where('window_start', '=', windowStart(now, rule.windowMs))
    .where('count', '>', 0)
    .execute();
}
