import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../store/sql/database.js';
import type { Job } from './job-queue.js';

/**
 * Tries of a window whose own data cannot be read (a corrupt batch object) before it is parked.
 * Retrying reads the same bytes; without a cap one bad object stalled its project's scoring for
 * good. Outages (worker, bucket, SQL) are not the window's fault and do not count.
 */
export const MAX_WINDOW_TRIES = 5;

/** How scoring stands for a project (`scoring` of `GET /api/projects/:id`). */
export const ScoringState = z.object({
  /** Windows given up on after `MAX_WINDOW_TRIES`; their records are kept but never scored. */
  parkedWindows: z.number().int().min(0),
  /** The error of the newest parked window. */
  lastError: z.string().optional(),
});
export type ScoringState = z.infer<typeof ScoringState>;

/**
 * Parks window `[windowStart, windowStart + windowMs)` of a running job: a `parked` row keeps it
 * with its error (never claimed again), and the job moves past it, both in one transaction, so a
 * job re-run after a crash does not try the window again. Parking a window twice keeps one row.
 */
export async function parkWindow(
  db: Kysely<Database>,
  job: Job,
  windowStart: number,
  windowMs: number,
  tries: number,
  error: string,
  now: number,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`
      insert into scoring_jobs (id, project_id, window_start, window_end, status, attempts, window_failures,
                                due_at, last_error, created_at, updated_at)
      values (${`j_${randomUUID()}`}, ${job.project_id}, ${windowStart}, ${windowStart + windowMs}, 'parked',
              ${tries}, ${tries}, ${now}, ${error}, ${now}, ${now})
      on conflict (project_id, window_start) where status = 'parked' do nothing`.execute(tx);
    await tx
      .updateTable('scoring_jobs')
      .set({ window_start: windowStart + windowMs, window_failures: 0, last_error: error, updated_at: now })
      .where('id', '=', job.id)
      .execute();
  });
}

/**
 * A project's parked windows and the error of the newest one.
 *
 * @example
 * await scoringState(db, 'p1'); // { parkedWindows: 1, lastError: 'batch object ... is unreadable: ...' }
 */
export async function scoringState(db: Kysely<Database>, projectId: string): Promise<ScoringState> {
  const rows = await db
    .selectFrom('scoring_jobs')
    .select(['last_error'])
    .select((eb) => eb.fn.countAll<number>().over().as('total'))
    .where('project_id', '=', projectId)
    .where('status', '=', 'parked')
    .orderBy('updated_at', 'desc')
    .orderBy('window_start', 'desc')
    .limit(1)
    .execute();
  const newest = rows[0];
  if (!newest) return { parkedWindows: 0 };
  return { parkedWindows: Number(newest.total), ...(newest.last_error ? { lastError: newest.last_error } : {}) };
}

/** Parked windows of every project (the `/metrics` gauge). */
export async function countParkedWindows(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('scoring_jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'parked')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
