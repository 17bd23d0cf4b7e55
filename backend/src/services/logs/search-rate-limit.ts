import type { Kysely } from 'kysely';
import { AppError } from '../../errors.js';
import { hitRateLimit } from '../../store/rate-limits.js';
import type { Database } from '../../store/sql/database.js';

const MINUTE_MS = 60_000;

/**
 * Counts one logs read (a page or a search) against its caller, an API key or a user, in the
 * current minute with the shared fixed-window limiter (`store/rate-limits.ts`), so replicas
 * enforce one limit together. Over `perMinute` answers 429 `rate_limited` with `Retry-After`;
 * 0 turns the check off. Each read may scan up to its budget, so this bounds a caller's scan
 * work a minute (issue #22: anyone can sign up, so a key is no barrier).
 *
 * @example
 * await checkSearchRate(db, `key:${keyId}`, config.search.ratePerMin, now);
 */
export async function checkSearchRate(
  db: Kysely<Database>,
  callerId: string,
  perMinute: number,
  now: number,
): Promise<void> {
  if (perMinute <= 0) return;
  const state = await hitRateLimit(db, `logs:caller:${callerId}`, { limit: perMinute, windowMs: MINUTE_MS }, now);
  if (state.count > perMinute) {
    throw new AppError('rate_limited', `more than ${perMinute} logs reads a minute for this caller`, {
      retryAfter: state.retryAfterSeconds,
    });
  }
}
