import type { LogRecord } from '@cloudsage/schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchSummary } from '../../src/services/ingest/batch-summary.js';
import { type BatchCommit, commitBatch } from '../../src/services/ingest/commit-batch.js';
import { commitBatchGrouped } from '../../src/services/ingest/commit-group.js';
import type { SqlStore } from '../../src/store/sql/open-sql.js';
import { isUniqueViolation } from '../../src/store/sql/unique-violation.js';
import { openTestSql, SQL_DIALECTS, seedProjects, type TestSql } from '../support/sql-stores.js';

const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
const WINDOW = 60_000;
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** Batch n: a few records over two minutes, some with latency and memory figures; every fifth is empty. */
function batch(n: number, key?: string): BatchCommit {
  const summary = new BatchSummary();
  const receivedAt = T0 + n * 7_000;
  if (n % 5 !== 4) {
    for (let i = 0; i < 3 + (n % 4); i++) {
      const record: LogRecord = {
        time: new Date(T0 + n * 11_000 + i * 20_000).toISOString(),
        level: LEVELS[(n + i) % LEVELS.length] as LogRecord['level'],
        msg: `m${n}-${i}`,
        attributes: { responseTime: n * 10 + i, memory: { heapUsed: 100 + n } },
      };
      summary.add(record, 50 + i);
    }
  }
  const batchId = `b${String(n).padStart(3, '0')}`;
  return {
    batchId,
    projectId: n % 3 === 0 ? 'p2' : 'p1',
    keyId: null,
    objectKey: summary.records > 0 ? `logs/x/${batchId}` : '',
    idempotencyKey: key ?? `k${n}`,
    idempotencyCutoff: receivedAt - 86_400_000,
    receivedAt,
    summary,
    rejected: n % 2,
    dropped: { overflow: n, oversize: 0, before_send: 1 },
    response: { batchId, accepted: summary.records, rejected: n % 2, errors: [] },
    scoreWindowMs: WINDOW,
  };
}

async function tables(store: SqlStore) {
  const batches = await store.db.selectFrom('ingest_batches').selectAll().orderBy('id').execute();
  const minutes = await store.db
    .selectFrom('minute_metrics')
    .selectAll()
    .orderBy('project_id')
    .orderBy('minute')
    .execute();
  const jobs = await store.db
    .selectFrom('scoring_jobs')
    .select(['project_id', 'window_start', 'window_end', 'status', 'due_at', 'created_at'])
    .orderBy('project_id')
    .execute();
  return { batches, minutes, jobs };
}

describe.each(SQL_DIALECTS)('group commit (%s)', (dialect) => {
  let grouped: TestSql;
  let single: TestSql;

  beforeEach(async () => {
    grouped = await openTestSql(dialect);
    single = await openTestSql(dialect);
    await seedProjects(grouped.store, T0, [{ id: 'p1' }, { id: 'p2' }]);
    await seedProjects(single.store, T0, [{ id: 'p1' }, { id: 'p2' }]);
  });

  afterEach(async () => {
    await grouped.dispose();
    await single.dispose();
  });

  it('writes exactly what committing each batch alone writes', async () => {
    const commits = Array.from({ length: 20 }, (_, n) => batch(n));
    // All at once: the first commits alone, the other 19 wait for it and share the next transaction.
    await Promise.all(commits.map((c) => commitBatchGrouped(grouped.store, c)));
    for (const c of commits) await commitBatch(single.store, c);
    const got = await tables(grouped.store);
    expect(got.batches).toHaveLength(20);
    expect(got.minutes.length).toBeGreaterThan(2);
    expect(got).toEqual(await tables(single.store));
  });

  it('gives each batch its own outcome when a key in the group was taken: the twin alone fails', async () => {
    await commitBatchGrouped(grouped.store, batch(102, 'taken'));
    const outcomes = await Promise.allSettled([
      commitBatchGrouped(grouped.store, batch(1)),
      commitBatchGrouped(grouped.store, batch(2)),
      commitBatchGrouped(grouped.store, batch(3, 'taken')),
      commitBatchGrouped(grouped.store, batch(5)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(isUniqueViolation((outcomes[2] as PromiseRejectedResult).reason)).toBe(true);
    const ids = (await tables(grouped.store)).batches.map((b) => b.id);
    expect(ids).toEqual(['b001', 'b002', 'b005', 'b102']);
  });
});
