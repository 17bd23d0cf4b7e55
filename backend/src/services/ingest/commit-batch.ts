import { randomUUID } from 'node:crypto';
import type { DropCounts, IngestResponse } from '@cloudsage/schema';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../store/sql/database.js';
import type { SqlStore } from '../../store/sql/open-sql.js';
import type { MinuteFigures, SummaryData } from './batch-summary.js';

/** Everything the batch's transaction writes. */
export interface BatchCommit {
  batchId: string;
  projectId: string;
  keyId: string | null;
  objectKey: string;
  idempotencyKey: string | undefined;
  /** Rows with this key received before this time no longer count as replays. */
  idempotencyCutoff: number;
  receivedAt: number;
  summary: SummaryData;
  rejected: number;
  dropped: DropCounts;
  response: IngestResponse;
  scoreWindowMs: number;
}

// Each minute row binds 14 values; SQLite allows 32,766 variables and PostgreSQL 65,535, so
// 500 rows a statement stays far inside both while a batch rarely spans more than a few minutes.
const MINUTE_ROWS_PER_STATEMENT = 500;

function minuteRow(projectId: string, m: MinuteFigures) {
  return {
    project_id: projectId,
    minute: m.minute,
    records: m.records,
    count_trace: m.counts.trace,
    count_debug: m.counts.debug,
    count_info: m.counts.info,
    count_warn: m.counts.warn,
    count_error: m.counts.error,
    count_fatal: m.counts.fatal,
    latency_count: m.latencyCount,
    latency_sum: m.latencySum,
    latency_max: m.latencyMax,
    memory_max_mb: m.memoryMaxMb,
    bytes: m.bytes,
  };
}

/** Adds one project's minute figures into `minute_metrics` (upserts, summing into existing rows). */
export async function addMinuteMetrics(
  tx: Kysely<Database>,
  dialect: SqlStore['dialect'],
  projectId: string,
  minutes: Iterable<MinuteFigures>,
): Promise<void> {
  // SQLite's two-argument max() is PostgreSQL's greatest().
  const greatest = dialect === 'postgres' ? sql.raw('greatest') : sql.raw('max');
  const rows = [...minutes].map((m) => minuteRow(projectId, m));
  for (let i = 0; i < rows.length; i += MINUTE_ROWS_PER_STATEMENT) {
    await tx
      .insertInto('minute_metrics')
      .values(rows.slice(i, i + MINUTE_ROWS_PER_STATEMENT))
      .onConflict((oc) =>
        oc.columns(['project_id', 'minute']).doUpdateSet({
          records: sql`minute_metrics.records + excluded.records`,
          count_trace: sql`minute_metrics.count_trace + excluded.count_trace`,
          count_debug: sql`minute_metrics.count_debug + excluded.count_debug`,
          count_info: sql`minute_metrics.count_info + excluded.count_info`,
          count_warn: sql`minute_metrics.count_warn + excluded.count_warn`,
          count_error: sql`minute_metrics.count_error + excluded.count_error`,
          count_fatal: sql`minute_metrics.count_fatal + excluded.count_fatal`,
          latency_count: sql`minute_metrics.latency_count + excluded.latency_count`,
          latency_sum: sql`minute_metrics.latency_sum + excluded.latency_sum`,
          latency_max: sql`${greatest}(minute_metrics.latency_max, excluded.latency_max)`,
          memory_max_mb: sql`${greatest}(minute_metrics.memory_max_mb, excluded.memory_max_mb)`,
          bytes: sql`minute_metrics.bytes + excluded.bytes`,
        }),
      )
      .execute();
  }
}

/** The `ingest_batches` row of a batch. */
export function batchRow(c: BatchCommit) {
  const s = c.summary;
  return {
    id: c.batchId,
    project_id: c.projectId,
    key_id: c.keyId,
    object_key: c.objectKey,
    idempotency_key: c.idempotencyKey ?? null,
    received_at: c.receivedAt,
    min_time: s.records > 0 ? s.minTime : c.receivedAt,
    max_time: s.records > 0 ? s.maxTime : c.receivedAt,
    records: s.records,
    rejected: c.rejected,
    bytes: s.bytes,
    count_trace: s.counts.trace,
    count_debug: s.counts.debug,
    count_info: s.counts.info,
    count_warn: s.counts.warn,
    count_error: s.counts.error,
    count_fatal: s.counts.fatal,
    dropped_overflow: c.dropped.overflow,
    dropped_oversize: c.dropped.oversize,
    dropped_before_send: c.dropped.before_send,
    response: JSON.stringify(c.response),
  };
}

/**
 * Adds the batch to the project's pending scoring job, or creates one. The partial unique index
 * (one pending job per project) turns this into a single upsert on both dialects: a later batch
 * widens `window_end` and keeps the job's `due_at`, so steady traffic cannot postpone scoring.
 */
async function enqueueScoring(tx: Kysely<Database>, c: BatchCommit, greatest: 'max' | 'greatest'): Promise<void> {
  const windowStart = Math.floor(c.receivedAt / c.scoreWindowMs) * c.scoreWindowMs;
  const windowEnd = windowStart + c.scoreWindowMs;
  await sql`
    insert into scoring_jobs (id, project_id, window_start, window_end, status, attempts, due_at, created_at, updated_at)
    values (${randomUUID()}, ${c.projectId}, ${windowStart}, ${windowEnd}, 'pending', 0, ${windowEnd}, ${c.receivedAt}, ${c.receivedAt})
    on conflict (project_id) where status = 'pending' do update
       set window_end = ${sql.raw(greatest)}(scoring_jobs.window_end, excluded.window_end),
           updated_at = excluded.updated_at`.execute(tx);
}

/**
 * Writes a batch in one transaction: its row (with the 202 body for replays), its per-minute
 * metrics and its scoring job. The object is already in the bucket, so a committed row always
 * names an object that exists; a crash before the commit leaves only an unreferenced object.
 *
 * @example
 * await commitBatch(app.sql, commit);
 */
export async function commitBatch(store: SqlStore, c: BatchCommit): Promise<void> {
  const s = c.summary;
  await store.db.transaction().execute(async (tx) => {
    if (c.idempotencyKey !== undefined) {
      // A key older than the replay window is free again; the unique index must not refuse it.
      await tx
        .updateTable('ingest_batches')
        .set({ idempotency_key: null })
        .where('project_id', '=', c.projectId)
        .where('idempotency_key', '=', c.idempotencyKey)
        .where('received_at', '<', c.idempotencyCutoff)
        .execute();
    }
    await tx.insertInto('ingest_batches').values(batchRow(c)).execute();
    if (s.records === 0) return;
    await addMinuteMetrics(tx, store.dialect, c.projectId, s.minutes.values());
    await enqueueScoring(tx, c, store.dialect === 'postgres' ? 'greatest' : 'max');
  });
}
