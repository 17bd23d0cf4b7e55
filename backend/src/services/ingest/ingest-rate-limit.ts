import type { Kysely } from 'kysely';
import { AppError } from '../../errors.js';
import { hitRateLimits } from '../../store/rate-limits.js';
import type { Database } from '../../store/sql/database.js';

const MINUTE_MS = 60_000;

/**
 * Counts one ingest request against its project and its caller (API key or user) in the current
 * minute, with the shared fixed-window limiter (`store/rate-limits.ts`, the `rate_limits` table)
 * so replicas enforce one limit together. Both counters move in one upsert statement; over
 * `perMinute` on either answers 429 with `Retry-After`. A limit of 0 turns the check off.
 *
 * @example
 * await checkIngestRate(db, { projectId, callerId: `key:${keyId}` }, config.limits.ingestRatePerMin, now);
 */
export async function checkIngestRate(
  db: Kysely<Database>,
  who: { projectId: string; callerId: string },
  perMinute: number,
  now: number,
): Promise<void> {
  if (perMinute <= 0) return;
  const keys = [`ingest:project:${who.projectId}`, `ingest:caller:${who.callerId}`];
  const states = await hitRateLimits(db, keys, { limit: perMinute, windowMs: MINUTE_MS }, now);
  const over = states.findIndex((s) => s.count > perMinute);
  if (over >= 0) {
    throw new AppError(
      'rate_limited',
      `more than ${perMinute} ingest requests a minute for this ${keys[over]?.split(':')[1]}`,
      {
        retryAfter: states[over]?.retryAfterSeconds,
      },
    );
  }
}
