import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hitRateLimit, hitRateLimits, peekRateLimit, undoRateLimitHit } from '../../src/store/rate-limits.js';
import { openTestSql, SQL_DIALECTS, type TestSql } from '../support/sql-stores.js';

// The one fixed-window limiter behind login, sign-up and ingest limits.
describe.each(SQL_DIALECTS)('rate limits (%s)', (dialect) => {
  let sql: TestSql;
  beforeAll(async () => {
    sql = await openTestSql(dialect);
  });
  afterAll(async () => {
    await sql.dispose();
  });
  const rule = { limit: 3, windowMs: 60_000 };
  const minute = 1_700_000_080_000; // 40 s into a minute

  it('counts several keys in one call, answering in the keys order with the wait to the window end', async () => {
    const db = sql.store.db;
    await hitRateLimit(db, 'b', rule, minute);
    const states = await hitRateLimits(db, ['a', 'b'], rule, minute + 5_000);
    expect(states.map((s) => s.count)).toEqual([1, 2]);
    // 15 s of the window remain.
    expect(states.map((s) => s.retryAfterSeconds)).toEqual([15, 15]);
    expect((await peekRateLimit(db, 'b', rule, minute + 6_000)).count).toBe(2);
  });

  it('restarts a key at 1 in the next window and takes a hit back only in its own window', async () => {
    const db = sql.store.db;
    for (let i = 0; i < 3; i++) await hitRateLimit(db, 'c', rule, minute);
    expect((await peekRateLimit(db, 'c', rule, minute)).limited).toBe(true);
    await undoRateLimitHit(db, 'c', rule, minute);
    expect((await peekRateLimit(db, 'c', rule, minute)).count).toBe(2);
    const [next] = await hitRateLimits(db, ['c'], rule, minute + 60_000);
    expect(next?.count).toBe(1);
    await undoRateLimitHit(db, 'c', rule, minute);
    expect((await peekRateLimit(db, 'c', rule, minute + 60_000)).count).toBe(1);
  });
});
