import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationProvider } from '../../src/store/sql/migrations/index.js';
import { migrate } from '../../src/store/sql/open-sql.js';
import { openTestSql, SQL_DIALECTS, type TestSql } from '../support/sql-stores.js';

describe.each(SQL_DIALECTS)('migrations on %s', (dialect) => {
  let t: TestSql | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  it('creates every table and is idempotent on a second run', async () => {
    t = await openTestSql(dialect);
    const tables = (await t.store.db.introspection.getTables()).map((x) => x.name).sort();
    expect(tables).toEqual(
      expect.arrayContaining([
        'api_keys',
        'forecast_feedback',
        'forecasts',
        'ingest_batches',
        'leases',
        'memory',
        'minute_metrics',
        'projects',
        'rate_limits',
        'revoked_tokens',
        'risk_history',
        'scoring_jobs',
        'users',
      ]),
    );
    await migrate(t.store);
    await t.store.ping();
  });

  it('reads BIGINT epoch ms back as numbers and allows one pending job per project only', async () => {
    t = await openTestSql(dialect);
    const { db } = t.store;
    const now = 1_767_225_600_123;
    await db.insertInto('users').values({ id: 'u1', email: 'a@b.c', password_hash: 'x', created_at: now }).execute();
    await db
      .insertInto('projects')
      .values({
        id: 'p1',
        user_id: 'u1',
        name: 'p',
        alert_url: null,
        alert_threshold: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const row = await db.selectFrom('projects').selectAll().where('id', '=', 'p1').executeTakeFirstOrThrow();
    expect(row.created_at).toBe(now);
    const job = (id: string, status: 'pending' | 'done') => ({
      id,
      project_id: 'p1',
      window_start: now,
      window_end: now + 60_000,
      status,
      attempts: 0,
      due_at: now,
      claimed_by: null,
      lease_until: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    });
    await db.insertInto('scoring_jobs').values(job('j1', 'pending')).execute();
    await db.insertInto('scoring_jobs').values(job('j2', 'done')).execute();
    await expect(db.insertInto('scoring_jobs').values(job('j3', 'pending')).execute()).rejects.toThrow();
  });

  it('rolls the parked-windows migration back and forward', async () => {
    t = await openTestSql(dialect);
    const migrator = new Migrator({ db: t.store.db, provider: migrationProvider });
    const columns = async () =>
      (await t!.store.db.introspection.getTables()).find((x) => x.name === 'scoring_jobs')?.columns.map((c) => c.name);
    expect(await columns()).toContain('window_failures');
    expect((await migrator.migrateTo('0001-initial')).error).toBeUndefined();
    expect(await columns()).not.toContain('window_failures');
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await columns()).toContain('window_failures');
  });

  it('indexes rate_limits by window start, and the sweep of stale counters uses it', async () => {
    t = await openTestSql(dialect);
    const db = t.store.db;
    const stale = db.selectFrom('rate_limits').select('key').where('window_start', '<', 1).limit(10).compile();
    // The plan of the retention sweep's inner query names the index (SQLite: EXPLAIN QUERY PLAN;
    // PostgreSQL: EXPLAIN with sequential scans off, so a small table still shows what it can use).
    const plan = async (): Promise<string> => {
      if (dialect === 'sqlite') {
        const rows = await sql
          .raw<{ detail: string }>(`explain query plan ${stale.sql.replace('?', '1').replace('?', '10')}`)
          .execute(db);
        return rows.rows.map((r) => r.detail).join('\n');
      }
      await sql`set enable_seqscan = off`.execute(db);
      const rows = await sql
        .raw<{ 'QUERY PLAN': string }>(`explain ${stale.sql.replace('$1', '1').replace('$2', '10')}`)
        .execute(db);
      await sql`set enable_seqscan = on`.execute(db);
      return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    expect(await plan()).toContain('rate_limits_window_start');
    // Rolled back and forward (the catalog, not the plan: SQLite's cached statement keeps its old plan text).
    const indexed = async () =>
      (dialect === 'sqlite'
        ? await sql<{
            n: number;
          }>`select count(*) as n from sqlite_master where type = 'index' and name = 'rate_limits_window_start'`.execute(
            db,
          )
        : await sql<{
            n: number;
          }>`select count(*)::int as n from pg_indexes where indexname = 'rate_limits_window_start'`.execute(db)
      ).rows[0]!.n;
    const migrator = new Migrator({ db, provider: migrationProvider });
    expect((await migrator.migrateTo('0004-batch-text-filter')).error).toBeUndefined();
    expect(await indexed()).toBe(0);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await indexed()).toBe(1);
  });

  it('removes the batch rows that empty batches stored before issue #22, and only those', async () => {
    t = await openTestSql(dialect);
    const { db } = t.store;
    const migrator = new Migrator({ db, provider: migrationProvider });
    expect((await migrator.migrateTo('0002-parked-windows')).error).toBeUndefined();
    const now = 1_767_225_600_000;
    await db.insertInto('users').values({ id: 'u1', email: 'a@b.c', password_hash: 'x', created_at: now }).execute();
    await db
      .insertInto('projects')
      .values({
        id: 'p1',
        user_id: 'u1',
        name: 'p',
        alert_url: null,
        alert_threshold: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const base = {
      project_id: 'p1',
      key_id: null,
      idempotency_key: null,
      received_at: now,
      min_time: now,
      max_time: now,
      rejected: 0,
      bytes: 0,
      count_trace: 0,
      count_debug: 0,
      count_info: 0,
      count_warn: 0,
      count_error: 0,
      count_fatal: 0,
      dropped_overflow: 0,
      dropped_oversize: 0,
      dropped_before_send: 0,
      response: '{}',
    };
    await db
      .insertInto('ingest_batches')
      .values([
        { ...base, id: 'empty', object_key: '', records: 0 },
        { ...base, id: 'full', object_key: 'logs/p1/2026/01/01/full.ndjson.gz', records: 3 },
      ])
      .execute();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const left = await db.selectFrom('ingest_batches').select('id').execute();
    expect(left.map((r) => r.id)).toEqual(['full']);
  });
});
