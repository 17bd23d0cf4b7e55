import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../store/sql/database.js';
import type { SqlStore } from '../../store/sql/open-sql.js';
import type { MinuteFigures } from './batch-summary.js';
import { addMinuteMetrics, type BatchCommit, batchRow, commitBatch } from './commit-batch.js';

// 23 values a batch row; 64 rows stay far inside SQLite's 32,766 and PostgreSQL's 65,535 variables.
const MAX_GROUP = 64;

interface Waiting {
  commit: BatchCommit;
  resolve(): void;
  reject(err: unknown): void;
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
 * One scoring-job upsert for the whole group, a row per project. Applying the batches one by one
 * would create the job from the earliest batch (its window start and `due_at`) and widen
 * `window_end` with each later one; a single row with the earliest start and due time and the
 * latest end gives the same job.
 */
async function enqueueScoringGroup(tx: Kysely<Database>, group: readonly BatchCommit[], greatest: string) {
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
  await sql`
    insert into scoring_jobs (id, project_id, window_start, window_end, status, attempts, due_at, created_at, updated_at)
    values ${sql.join(rows)}
    on conflict (project_id) where status = 'pending' do update
       set window_end = ${sql.raw(greatest)}(scoring_jobs.window_end, excluded.window_end),
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
 * Several batches in one transaction: the same rows, metrics and jobs as committing each alone,
 * in a handful of statements instead of a handful per batch.
 */
async function commitGroup(store: SqlStore, group: readonly BatchCommit[]): Promise<void> {
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
    await enqueueScoringGroup(tx, group, greatest);
  });
}

/**
 * Group commit: batches that finish while a transaction is running wait for it, then commit
 * together in the next one (at most MAX_GROUP). Each caller's promise settles only once its own
 * rows are committed, so a 202 still means durable. A group that fails (a replayed key's unique
 * violation, a store error) is retried batch by batch, so every batch gets exactly the outcome it
 * would have had alone. A lone batch takes the single-batch path at once, adding no wait.
 */
class GroupCommitter {
  readonly #store: SqlStore;
  #queue: Waiting[] = [];
  #running = false;

  constructor(store: SqlStore) {
    this.#store = store;
  }

  commit(commit: BatchCommit): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ commit, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const group = this.#queue.splice(0, MAX_GROUP);
        if (group.length > 1) {
          try {
            await commitGroup(
              this.#store,
              group.map((w) => w.commit),
            );
            for (const w of group) w.resolve();
            continue;
          } catch {
            // Nothing of the group was written; each batch now commits alone for its own outcome.
          }
        }
        for (const w of group) {
          await commitBatch(this.#store, w.commit).then(w.resolve, w.reject);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}

const committers = new WeakMap<SqlStore, GroupCommitter>();

/**
 * Commits a batch (see `commitBatch`), sharing a transaction with the other batches of the same
 * store that are ready at the same time. Resolves once the batch's rows are committed.
 *
 * @example
 * await commitBatchGrouped(app.sql, commit);
 */
export function commitBatchGrouped(store: SqlStore, commit: BatchCommit): Promise<void> {
  let committer = committers.get(store);
  if (!committer) {
    committer = new GroupCommitter(store);
    committers.set(store, committer);
  }
  return committer.commit(commit);
}
