import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, ScoringJobsTable } from '../../store/sql/database.js';
import { isUniqueViolation } from '../../store/sql/unique-violation.js';

/** A claimed scoring job. */
export type Job = Selectable<ScoringJobsTable>;

/**
 * Claims the next due job: a pending one whose time has come, or a running one whose lease ran
 * out (its claimer died). A project's job is claimed only while none of its jobs is running, so
 * a project's windows are scored in order. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets several
 * replicas claim different jobs at once without waiting on each other; SQLite has one writer.
 */
export async function claimJob(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  claimer: string,
  now: number,
  leaseMs: number,
): Promise<Job | undefined> {
  const lock = dialect === 'postgres' ? sql`for update skip locked` : sql``;
  const result = await sql<Job>`
    update scoring_jobs
       set status = 'running', claimed_by = ${claimer}, lease_until = ${now + leaseMs},
           attempts = attempts + 1, updated_at = ${now}
     where id = (
       select j.id from scoring_jobs j
        where ((j.status = 'pending' and j.due_at <= ${now})
            or (j.status = 'running' and j.lease_until < ${now}))
          and not exists (
            select 1 from scoring_jobs r
             where r.project_id = j.project_id and r.id <> j.id
               and r.status = 'running' and r.lease_until >= ${now})
        order by j.due_at
        limit 1
        ${lock})
    returning *`.execute(db);
  return result.rows[0];
}

/** Extends a running job's lease while it is still being worked on. */
export async function renewLease(db: Kysely<Database>, job: Job, claimer: string, until: number): Promise<boolean> {
  const r = await db
    .updateTable('scoring_jobs')
    .set({ lease_until: until })
    .where('id', '=', job.id)
    .where('status', '=', 'running')
    .where('claimed_by', '=', claimer)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Marks a job done. */
export async function completeJob(db: Kysely<Database>, job: Job, now: number): Promise<void> {
  await db
    .updateTable('scoring_jobs')
    .set({ status: 'done', lease_until: null, last_error: null, updated_at: now })
    .where('id', '=', job.id)
    .execute();
}

/**
 * Puts a failed job back to wait for `retryAt`, keeping its unscored windows from `fromWindow`
 * on, with `windowFailures` failed tries of that window on its own data (see `parkWindow`). If new
 * batches made a fresh pending job for the project meanwhile, the two merge (one pending job per
 * project).
 */
export async function retryJob(
  db: Kysely<Database>,
  job: Job,
  fromWindow: number,
  retryAt: number,
  error: string,
  now: number,
  windowFailures = 0,
): Promise<void> {
  const handBack = () =>
    db.transaction().execute(async (tx) => {
      const pending = await tx
        .selectFrom('scoring_jobs')
        .select(['id', 'window_start', 'window_end', 'due_at'])
        .where('project_id', '=', job.project_id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (pending) {
        await tx
          .updateTable('scoring_jobs')
          .set({
            window_start: Math.min(pending.window_start, fromWindow),
            window_end: Math.max(pending.window_end, job.window_end),
            due_at: Math.max(pending.due_at, retryAt),
            attempts: job.attempts,
            // The tries belong to `fromWindow`; they carry over only while it stays the first window.
            window_failures: pending.window_start < fromWindow ? 0 : windowFailures,
            last_error: error,
            updated_at: now,
          })
          .where('id', '=', pending.id)
          .execute();
        await tx.deleteFrom('scoring_jobs').where('id', '=', job.id).execute();
        return;
      }
      await tx
        .updateTable('scoring_jobs')
        .set({
          status: 'pending',
          window_start: fromWindow,
          due_at: retryAt,
          attempts: job.attempts,
          window_failures: windowFailures,
          claimed_by: null,
          lease_until: null,
          last_error: error,
          updated_at: now,
        })
        .where('id', '=', job.id)
        .execute();
    });
  try {
    await handBack();
  } catch (err) {
    // On PostgreSQL an ingest can commit a new pending job between our look and our update (read
    // committed); the unique index refuses the second pending row, and a second pass merges.
    if (!isUniqueViolation(err)) throw err;
    await handBack();
  }
}
