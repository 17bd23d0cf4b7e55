import { type Kysely, sql } from 'kysely';

/**
 * Parked scoring windows (issue #20): a window whose own data cannot be read is tried
 * `MAX_WINDOW_TRIES` times, then kept as a `parked` row of `scoring_jobs` with its last error, no
 * longer claimed, while the project's later windows go on being scored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Failed tries of the job's first window that were the window's fault (not an outage's).
  await db.schema
    .alterTable('scoring_jobs')
    .addColumn('window_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // One parked row per window, also when two replicas park it at once; counts read this index.
  await sql`create unique index scoring_jobs_parked on scoring_jobs (project_id, window_start) where status = 'parked'`.execute(
    db,
  );
}

/** Drops what `up` added; parked rows go with their status (they would read as unknown jobs). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from scoring_jobs where status = 'parked'`.execute(db);
  await db.schema.dropIndex('scoring_jobs_parked').execute();
  await db.schema.alterTable('scoring_jobs').dropColumn('window_failures').execute();
}
