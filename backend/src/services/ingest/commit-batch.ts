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
async function addMinuteMetrics(
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
function batchRow(c: BatchCommit) {
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
    text_filter: s.textFilter ? Buffer.from(s.textFilter).toString('base64') : null,
  };
}

function addFigures(into: MinuteFigures, m: MinuteFigures): void {
  into.records += m.records;
  into.bytes += m.bytes;
  into.latencyCount += m.latencyCount;
  into.latencySum += m.latencySum;
  if (m.latencyMax > into.latencyMax) into.latencyMax = m.latencyMax;
  if (m.memoryMaxMb > into.memoryMaxMb) into.memoryMaxMb = m.memoryMaxMb;
  for (const level of Object.keys(m.counts) as (keyof MinuteFigures['counts'])[]) {
    into.counts[level] += m.counts[level];
  }
}

/** The group's minute figures summed per project and minute: one upsert may touch a row only once. */
function mergeMinutes(group: readonly BatchCommit[]): Map<string, Map<number, MinuteFigures>> {
  const byProject = new Map<string, Map<number, MinuteFigures>>();
  for (const c of group) {
    if (c.summary.records === 0) continue;
    let minutes = byProject.get(c.projectId);
    if (!minutes) {
      minutes = new Map();
      byProject.set(c.projectId, minutes);
    }
    for (const m of c.summary.minutes.values()) {
      const into = minutes.get(m.minute);
      if (into) addFigures(into, m);
      else minutes.set(m.minute, { ...m, counts: { ...m.counts } });
    }
  }
  return byProject;
}

/**
 * Adds the batches to their projects' pending scoring jobs, or creates them: one upsert, a row per
 * project. The partial unique index (one pending job per project) makes a later batch widen
 * `window_end` and keep the job's `due_at`, so steady traffic cannot postpone scoring, and a batch
 * stamped before the job's start (committed late) moves it back. Applying the batches one by one
 * would create the job from the earliest batch (its window start and `due_at`) and widen
 * `window_end` with each later one; a single row with the earliest start and due time and the
 * latest end gives the same job.
 */
async function enqueueScoring(tx: Kysely<Database>, group: readonly BatchCommit[], greatest: string) {
  const jobs = new Map<string, { start: number; end: number; due: number; created: number; updated: number }>();
  for (const c of group) {
    if (c.summary.records === 0) continue;
    const start = Math.floor(c.receivedAt / c.scoreWindowMs) * c.scoreWindowMs;
    const end = start + c.scoreWindowMs;
    const job = jobs.get(c.projectId);
    if (!job) jobs.set(c.projectId, { start, end, due: end, created: c.receivedAt, updated: c.receivedAt });
    else {
      if (c.receivedAt < job.created) Object.assign(job, { start, due: end, created: c.receivedAt });
      job.end = Math.max(job.end, end);
      job.updated = Math.max(job.updated, c.receivedAt);
    }
  }
  if (jobs.size === 0) return;
  const rows = [...jobs].map(
    ([projectId, j]) =>
      sql`(${randomUUID()}, ${projectId}, ${j.start}, ${j.end}, 'pending', 0, ${j.due}, ${j.created}, ${j.updated})`,
  );
  // A batch whose commit lands after its window was scored (a slow bucket upload, a cold connection:
  // more than the dispatcher's grace) moves the pending job's start back to its window, so that window
  // is scored too (one already scored is skipped). The job's failed tries were a later window's.
  const least = greatest === 'greatest' ? 'least' : 'min';
  await sql`
    insert into scoring_jobs (id, project_id, window_start, window_end, status, attempts, due_at, created_at, updated_at)
    values ${sql.join(rows)}
    on conflict (project_id) where status = 'pending' do update
       set window_end = ${sql.raw(greatest)}(scoring_jobs.window_end, excluded.window_end),
           window_start = ${sql.raw(least)}(scoring_jobs.window_start, excluded.window_start),
           window_failures = case when excluded.window_start < scoring_jobs.window_start then 0
                             else scoring_jobs.window_failures end,
           updated_at = excluded.updated_at`.execute(tx);
}

/** The idempotency keys of the group by project, with the earliest cutoff among their batches. */
function keysByProject(group: readonly BatchCommit[]): Map<string, { keys: string[]; cutoff: number }> {
  const byProject = new Map<string, { keys: string[]; cutoff: number }>();
  for (const c of group) {
    if (c.idempotencyKey === undefined) continue;
    const keyed = byProject.get(c.projectId);
    if (!keyed) byProject.set(c.projectId, { keys: [c.idempotencyKey], cutoff: c.idempotencyCutoff });
    else {
      keyed.keys.push(c.idempotencyKey);
      keyed.cutoff = Math.min(keyed.cutoff, c.idempotencyCutoff);
    }
  }
  return byProject;
}

/**
 * Writes batches in one transaction: their rows (each with its 202 body for replays), their
 * per-minute metrics and their projects' scoring jobs; the same rows, metrics and jobs as committing
 * each alone, in a handful of statements. The objects are already in the bucket, so a committed row
 * always names an object that exists; a crash before the commit leaves only unreferenced objects.
 *
 * @example
 * await commitBatches(app.sql, [commit]);
 */
export async function commitBatches(store: SqlStore, group: readonly BatchCommit[]): Promise<void> {
  const greatest = store.dialect === 'postgres' ? 'greatest' : 'max';
  await store.db.transaction().execute(async (tx) => {
    for (const [projectId, keyed] of keysByProject(group)) {
      // Keys older than the replay window are free again; the unique index must not refuse them.
      // The group's earliest cutoff frees no key that any of its batches would keep; a key freed
      // later by a batch's own cutoff fails the group, and that batch then commits alone.
      await tx
        .updateTable('ingest_batches')
        .set({ idempotency_key: null })
        .where('project_id', '=', projectId)
        .where('idempotency_key', 'in', keyed.keys)
        .where('received_at', '<', keyed.cutoff)
        .execute();
    }
    await tx.insertInto('ingest_batches').values(group.map(batchRow)).execute();
    for (const [projectId, minutes] of mergeMinutes(group)) {
      await addMinuteMetrics(tx, store.dialect, projectId, minutes.values());
    }
    await enqueueScoring(tx, group, greatest);
  });
}

/** Writes one batch in its own transaction (see `commitBatches`). */
export function commitBatch(store: SqlStore, c: BatchCommit): Promise<void> {
  return commitBatches(store, [c]);
}
