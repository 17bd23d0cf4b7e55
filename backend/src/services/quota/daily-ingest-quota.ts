import type { Kysely } from 'kysely';
import { AppError } from '../../errors.js';
import { hitRateLimits, peekRateLimit, type RateLimit } from '../../store/rate-limits.js';
import type { Database } from '../../store/sql/database.js';

// Fixed windows start at multiples of their length since the epoch, so a day's window is a UTC day.
const UTC_DAY: RateLimit = { limit: 0, windowMs: 86_400_000 };

const keyOf = (projectId: string) => `quota:records:${projectId}`;

/**
 * Refuses ingest for a project whose records today (UTC) reached `perDay`: 429
 * `daily_quota_exceeded` with `Retry-After` at the next UTC midnight. Reads the counter only, so it
 * runs before the body is decoded; 0 turns the quota off. Concurrent requests admitted together may
 * pass the quota by one batch each, since records are counted once they are stored.
 *
 * @example
 * await checkDailyQuota(db, projectId, config.dailyRecordsPerProject, now);
 */
export async function checkDailyQuota(
  db: Kysely<Database>,
  projectId: string,
  perDay: number,
  now: number,
): Promise<void> {
  if (perDay <= 0) return;
  const state = await peekRateLimit(db, keyOf(projectId), { ...UTC_DAY, limit: perDay }, now);
  if (state.limited) {
    throw new AppError('daily_quota_exceeded', `this project ingested its ${perDay} records for today (UTC)`, {
      details: { limit: perDay, used: state.count },
      retryAfter: state.retryAfterSeconds,
    });
  }
}

/**
 * Adds a stored batch's accepted records to its project's count for today (UTC), in the shared
 * `rate_limits` table so replicas count together. Does nothing when the quota is off.
 */
export async function recordDailyIngest(
  db: Kysely<Database>,
  projectId: string,
  records: number,
  perDay: number,
  now: number,
): Promise<void> {
  if (perDay <= 0 || records <= 0) return;
  await hitRateLimits(db, [keyOf(projectId)], { ...UTC_DAY, limit: perDay }, now, records);
}

/** The two calls an ingest route makes: before decoding, and after the batch is stored. */
export interface DailyQuotaHook {
  /** Throws 429 `daily_quota_exceeded` when the project's quota for today is used up. */
  beforeIngest(projectId: string): Promise<void>;
  /** Counts the accepted records of a stored batch. */
  afterIngest(projectId: string, accepted: number): Promise<void>;
}

/**
 * The quota as a hook for `/api/ingest` and `/v1/logs`, with its settings and clock bound.
 *
 * @example
 * const quota = dailyQuotaHook({ db: app.sql.db, perDay: app.config.dailyRecordsPerProject, now: app.now,
 *   onRejected: () => app.metrics.ingestQuotaRejected.inc() });
 * await quota.beforeIngest(projectId);   // before decoding
 * await quota.afterIngest(projectId, accepted); // after the 202 body is known
 */
export function dailyQuotaHook(deps: {
  db: Kysely<Database>;
  perDay: number;
  now: () => number;
  onRejected?: () => void;
}): DailyQuotaHook {
  return {
    async beforeIngest(projectId) {
      try {
        await checkDailyQuota(deps.db, projectId, deps.perDay, deps.now());
      } catch (err) {
        if (err instanceof AppError && err.code === 'daily_quota_exceeded') deps.onRejected?.();
        throw err;
      }
    },
    afterIngest: (projectId, accepted) => recordDailyIngest(deps.db, projectId, accepted, deps.perDay, deps.now()),
  };
}
