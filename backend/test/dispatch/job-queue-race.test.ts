import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryId,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { claimJob, retryJob } from '../../src/services/dispatch/job-queue.js';
import { openTestSql, seedProjects, type TestSql } from '../support/sql-stores.js';

/*
 * On PostgreSQL (read committed) an ingest can commit a new pending job for the project between
 * retryJob's look for one and its update of the running job to pending. The partial unique index
 * refuses the second pending row; retryJob must then merge instead of failing, or the job stays
 * 'running' until its lease runs out and the project's scoring stalls. SQLite has one writer, so
 * the race cannot happen there.
 */

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const MIN = 60_000;
let t: TestSql;

beforeEach(async () => {
  t = await openTestSql('postgres');
  await seedProjects(t.store, T0);
});
afterEach(async () => {
  await t.dispose();
});

function pendingJob(id: string, from: number, to: number) {
  return {
    id,
    project_id: 'p1',
    window_start: from,
    window_end: to,
    status: 'pending',
    attempts: 0,
    due_at: to,
    claimed_by: null,
    lease_until: null,
    last_error: null,
    created_at: from,
    updated_at: from,
  } as const;
}

/** Commits `insert` on another connection right after the transaction's first read of scoring_jobs. */
class InsertAfterFirstRead implements KyselyPlugin {
  #target: QueryId | undefined;
  #done = false;
  constructor(private readonly insert: () => Promise<unknown>) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (!this.#done && this.#target === undefined && args.node.kind === 'SelectQueryNode') this.#target = args.queryId;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (!this.#done && args.queryId === this.#target) {
      this.#done = true;
      await this.insert();
    }
    return args.result;
  }
}

it('retryJob merges with a pending job an ingest committed while it looked (PostgreSQL)', async () => {
  const db = t.store.db;
  await db
    .insertInto('scoring_jobs')
    .values(pendingJob('j_old', T0, T0 + MIN))
    .execute();
  const job = await claimJob(db, 'postgres', 'd_1', T0 + 2 * MIN, 120_000);
  expect(job?.id).toBe('j_old');

  const racing = db.withPlugin(
    new InsertAfterFirstRead(() =>
      db
        .insertInto('scoring_jobs')
        .values(pendingJob('j_new', T0 + MIN, T0 + 3 * MIN))
        .execute(),
    ),
  );
  const now = T0 + 2 * MIN + 1;
  await retryJob(racing, job!, T0, now + 5_000, 'worker unreachable', now);

  const jobs = await db.selectFrom('scoring_jobs').selectAll().execute();
  // One pending job that covers both: the handed-back windows and the new ones.
  expect(jobs).toHaveLength(1);
  expect(jobs[0]).toMatchObject({
    id: 'j_new',
    status: 'pending',
    window_start: T0,
    window_end: T0 + 3 * MIN,
    due_at: T0 + 3 * MIN, // the later of the two
    last_error: 'worker unreachable',
  });
});
