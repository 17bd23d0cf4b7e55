import type { Kysely } from 'kysely';
import type { Bucket } from '../../store/bucket/bucket.js';
import type { Database } from '../../store/sql/database.js';

const DAY_MS = 86_400_000;
// Objects deleted at once: enough to hide a bucket's latency, few enough not to crowd ingest's puts.
const DELETE_CONCURRENCY = 8;

/** What one sweep removed. */
export interface RetentionResult {
  batches: number;
  objects: number;
  minuteMetrics: number;
  riskHistory: number;
  /** True when a bound stopped the sweep with more left to remove: run again soon. */
  more: boolean;
}

/** One sweep's inputs; `now` is the clock (tests inject one). */
export interface RetentionSweepOptions {
  db: Kysely<Database>;
  bucket: Bucket;
  now: number;
  /** Days kept; older batches, minute metrics and risk history go. */
  days: number;
  /** Batches removed at most in one sweep; minute-metric and risk rows at most ten times as many. */
  maxBatches: number;
}

/**
 * Removes what is older than the retention window: batches received before it (their bucket
 * objects first, then their rows), and minute metrics and risk points timed before it. Work is
 * bounded per sweep and every step is an idempotent delete, so replicas sweeping at once only
 * repeat each other's work: a crash between an object's delete and its row's leaves a row whose
 * object is missing, which readers already skip and the next sweep removes. Queries go project by
 * project, on the `(project_id, received_at)`, `(project_id, minute)` and `(project_id, timestamp)`
 * indexes.
 *
 * @example
 * const removed = await sweepRetention({ db, bucket, now: Date.now(), days: 30, maxBatches: 1000 });
 */
export async function sweepRetention(options: RetentionSweepOptions): Promise<RetentionResult> {
  const { db, bucket } = options;
  const cutoff = options.now - options.days * DAY_MS;
  const result: RetentionResult = { batches: 0, objects: 0, minuteMetrics: 0, riskHistory: 0, more: false };
  let batchBudget = options.maxBatches;
  let rowBudget = options.maxBatches * 10;
  const projects = await db.selectFrom('projects').select('id').orderBy('id').execute();

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
    if (rowBudget <= 0) result.more = true;
  }
  return result;
}
