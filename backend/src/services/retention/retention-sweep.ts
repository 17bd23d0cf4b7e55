import type { Kysely } from 'kysely';
import type { Bucket } from '../../store/bucket/bucket.js';
import { forecastObjectKey, utcDate } from '../../store/forecast-store.js';
import type { Database } from '../../store/sql/database.js';

const DAY_MS = 86_400_000;
// Every rate-limit rule's window is at most a day, and a counter of an older window reads as 0 and
// restarts on its next hit, so a row whose window started this long ago can never matter again.
const RATE_LIMIT_STALE_MS = 2 * DAY_MS;
// Objects deleted at once: enough to hide a bucket's latency, few enough not to crowd ingest's puts.
const DELETE_CONCURRENCY = 8;

/** What one sweep removed. */
export interface RetentionResult {
  batches: number;
  objects: number;
  minuteMetrics: number;
  riskHistory: number;
  /** Forecasts of UTC days before the window's first day. */
  forecasts: number;
  /** Forecast feedback given before the window, or on a forecast removed with it. */
  forecastFeedback: number;
  /** Rate-limit counters whose window started over 2 days ago (whatever `days` is). */
  rateLimits: number;
  /** True when a bound stopped the sweep with more left to remove: run again soon. */
  more: boolean;
}

/** One sweep's inputs; `now` is the clock (tests inject one). */
export interface RetentionSweepOptions {
  db: Kysely<Database>;
  bucket: Bucket;
  now: number;
  /**
   * Days kept; older batches, minute metrics, risk history, forecasts and their feedback go. 0 (or
   * less) keeps all of them, and the sweep only removes stale rate-limit counters.
   */
  days: number;
  /** Batches removed at most in one sweep; other rows at most ten times as many, all kinds together. */
  maxBatches: number;
}

/**
 * Removes what is older than the retention window: batches received before it (their bucket
 * objects first, then their rows), minute metrics and risk points timed before it, forecasts of UTC
 * days before its first day, and feedback given before it or on those forecasts. Then, whatever the
 * window, rate-limit counters whose window started over 2 days ago: they are not user data, but each
 * new client address adds one, so without this the table grows for as long as new clients come. Work
 * is bounded per sweep and every step is an idempotent delete, so replicas sweeping at once only
 * repeat each other's work: a crash between an object's delete and its row's leaves a row whose
 * object is missing, which readers already skip and the next sweep removes. Queries go project by
 * project, on the `(project_id, received_at)`, `(project_id, minute)`, `(project_id, timestamp)`,
 * `(project_id, date, created_at)` and `(project_id)` indexes; rate-limit counters on their
 * `window_start` index (migration 0005).
 *
 * @example
 * const removed = await sweepRetention({ db, bucket, now: Date.now(), days: 30, maxBatches: 1000 });
 */
export async function sweepRetention(options: RetentionSweepOptions): Promise<RetentionResult> {
  const { db, bucket } = options;
  const cutoff = options.now - options.days * DAY_MS;
  // Forecasts are kept by whole UTC days: the one of the cutoff's own day stays.
  const cutoffDate = utcDate(cutoff);
  const result: RetentionResult = {
    batches: 0,
    objects: 0,
    minuteMetrics: 0,
    riskHistory: 0,
    forecasts: 0,
    forecastFeedback: 0,
    rateLimits: 0,
    more: false,
  };
  let batchBudget = options.maxBatches;
  let rowBudget = options.maxBatches * 10;
  // 0 days keeps all user data; only the rate-limit step below runs.
  const projects = options.days > 0 ? await db.selectFrom('projects').select('id').orderBy('id').execute() : [];

  for (const { id: projectId } of projects) {
    if (batchBudget <= 0 || rowBudget <= 0) {
      result.more = true;
      break;
    }
    const batches = await db
      .selectFrom('ingest_batches')
      .select(['id', 'object_key'])
      .where('project_id', '=', projectId)
      .where('received_at', '<', cutoff)
      .orderBy('received_at')
      .limit(batchBudget)
      .execute();
    for (let i = 0; i < batches.length; i += DELETE_CONCURRENCY) {
      // Objects before rows: a row never names an object that is gone for good unnoticed.
      await Promise.all(batches.slice(i, i + DELETE_CONCURRENCY).map((b) => bucket.delete(b.object_key)));
    }
    result.objects += batches.length;
    if (batches.length > 0) {
      const gone = await db
        .deleteFrom('ingest_batches')
        .where(
          'id',
          'in',
          batches.map((b) => b.id),
        )
        .executeTakeFirst();
      result.batches += Number(gone.numDeletedRows);
    }
    batchBudget -= batches.length;
    if (batchBudget <= 0) result.more = true;

    // The newest minute within this sweep's row budget bounds the delete (ties share a minute).
    const last = await db
      .selectFrom('minute_metrics')
      .select('minute')
      .where('project_id', '=', projectId)
      .where('minute', '<', cutoff)
      .orderBy('minute')
      .limit(1)
      .offset(rowBudget - 1)
      .executeTakeFirst();
    const minutes = await db
      .deleteFrom('minute_metrics')
      .where('project_id', '=', projectId)
      .where('minute', last ? '<=' : '<', last ? last.minute : cutoff)
      .executeTakeFirst();
    const removedMinutes = Number(minutes.numDeletedRows);
    result.minuteMetrics += removedMinutes;
    rowBudget -= removedMinutes;
    if (last) result.more = true;

    if (rowBudget <= 0) continue;
    const points = await db
      .deleteFrom('risk_history')
      .where(
        'id',
        'in',
        db
          .selectFrom('risk_history')
          .select('id')
          .where('project_id', '=', projectId)
          .where('timestamp', '<', cutoff)
          .orderBy('timestamp')
          .limit(rowBudget),
      )
      .executeTakeFirst();
    const removedPoints = Number(points.numDeletedRows);
    result.riskHistory += removedPoints;
    rowBudget -= removedPoints;
    if (rowBudget <= 0) {
      result.more = true;
      continue;
    }

    // Feedback before its forecasts: it references them, so a forecast goes only once its
    // feedback is gone (or the foreign key's cascade would remove feedback uncounted).
    const oldForecasts = db
      .selectFrom('forecasts')
      .select('id')
      .where('project_id', '=', projectId)
      .where('date', '<', cutoffDate);
    const feedback = await db
      .deleteFrom('forecast_feedback')
      .where(
        'id',
        'in',
        db
          .selectFrom('forecast_feedback')
          .select('id')
          .where('project_id', '=', projectId)
          .where((eb) => eb.or([eb('created_at', '<', cutoff), eb('forecast_id', 'in', oldForecasts)]))
          .orderBy('created_at')
          .limit(rowBudget),
      )
      .executeTakeFirst();
    const removedFeedback = Number(feedback.numDeletedRows);
    result.forecastFeedback += removedFeedback;
    rowBudget -= removedFeedback;
    if (rowBudget <= 0) {
      // Feedback on an old forecast may be left; its forecast waits for the next sweep.
      result.more = true;
      continue;
    }

    const old = await oldForecasts.select('date').orderBy('date').limit(rowBudget).execute();
    // Each forecast's JSON copy in the bucket before its row, as with batches (deleting a missing
    // object is a no-op, so a day refreshed into several rows deletes its one copy again, harmlessly).
    const days = [...new Set(old.map((f) => f.date))];
    for (let i = 0; i < days.length; i += DELETE_CONCURRENCY) {
      await Promise.all(
        days.slice(i, i + DELETE_CONCURRENCY).map((date) => bucket.delete(forecastObjectKey(projectId, date))),
      );
    }
    result.objects += days.length;
    const forecasts =
      old.length === 0
        ? { numDeletedRows: 0n }
        : await db
            .deleteFrom('forecasts')
            .where(
              'id',
              'in',
              old.map((f) => f.id),
            )
            .executeTakeFirst();
    const removedForecasts = Number(forecasts.numDeletedRows);
    result.forecasts += removedForecasts;
    rowBudget -= removedForecasts;
    if (rowBudget <= 0) result.more = true;
  }

  if (rowBudget <= 0) {
    result.more = true;
    return result;
  }
  const staleBefore = options.now - RATE_LIMIT_STALE_MS;
  const counters = await db
    .deleteFrom('rate_limits')
    .where(
      'key',
      'in',
      db.selectFrom('rate_limits').select('key').where('window_start', '<', staleBefore).limit(rowBudget),
    )
    // Checked again on the row itself: a hit that restarted the counter meanwhile keeps it.
    .where('window_start', '<', staleBefore)
    .executeTakeFirst();
  const removedCounters = Number(counters.numDeletedRows);
  result.rateLimits += removedCounters;
  rowBudget -= removedCounters;
  if (rowBudget <= 0) result.more = true;
  return result;
}
