import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { dailyQuotaHook } from '../../src/services/quota/daily-ingest-quota.js';
import { manualClock } from '../routes/support/client.js';
import { openTestSql, SQL_DIALECTS, type TestSql } from '../support/sql-stores.js';

describe.each(SQL_DIALECTS)('daily ingest quota on %s', (dialect) => {
  let sql: TestSql;
  beforeAll(async () => {
    sql = await openTestSql(dialect);
  });
  afterAll(async () => {
    await sql?.dispose();
  });

  it('refuses a project past its records for the UTC day with Retry-After at midnight, then resets', async () => {
    const clock = manualClock(Date.parse('2026-11-25T23:00:00.000Z'));
    let rejected = 0;
    const quota = dailyQuotaHook({ db: sql.store.db, perDay: 1000, now: clock.now, onRejected: () => rejected++ });
    await quota.beforeIngest('p1');
    await quota.afterIngest('p1', 600);
    await quota.beforeIngest('p1');
    await quota.afterIngest('p1', 600);
    const err = await quota.beforeIngest('p1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'daily_quota_exceeded', status: 429, retryAfter: 3600 });
    expect((err as AppError).details).toEqual({ limit: 1000, used: 1200 });
    expect(rejected).toBe(1);
    // Another project has its own count.
    await quota.beforeIngest('p2');

    clock.advance(3600 * 1000);
    await quota.beforeIngest('p1');
  });

  it('is off at 0', async () => {
    const quota = dailyQuotaHook({ db: sql.store.db, perDay: 0, now: Date.now });
    await quota.afterIngest('p3', 10_000_000);
    await expect(quota.beforeIngest('p3')).resolves.toBeUndefined();
  });
});
