import type { Forecast } from '@cloudsage/schema';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinForecast } from '../../src/services/forecast/builtin-forecaster.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { ForecastStore, forecastObjectKey } from '../../src/store/forecast-store.js';
import { openTestSql, SQL_DIALECTS, type TestSql } from '../support/sql-stores.js';
import { emptyFacts } from './facts-fixture.js';

const NOW = Date.parse('2026-11-25T08:00:00.000Z');
const log = pino({ level: 'silent' });

describe.each(SQL_DIALECTS)('forecast store on %s', (dialect) => {
  let sql: TestSql;
  let bucket: DirBucket;

  beforeAll(async () => {
    sql = await openTestSql(dialect);
    bucket = new DirBucket(`${sql.dataDir}/bucket`);
    await sql.store.db
      .insertInto('users')
      .values({ id: 'u1', email: 'u1@example.com', password_hash: 'x', created_at: NOW })
      .execute();
  });

  afterAll(async () => {
    await sql?.dispose();
  });

  async function project(id: string): Promise<string> {
    await sql.store.db
      .insertInto('projects')
      .values({ id, user_id: 'u1', name: id, alert_url: null, alert_threshold: null, created_at: NOW, updated_at: NOW })
      .execute();
    return id;
  }

  /** A generator that counts its calls and waits for the test to let it finish. */
  function gatedGenerator() {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const state = { calls: 0, release };
    const generate = async (projectId: string, now: number): Promise<Forecast> => {
      state.calls++;
      await gate;
      return builtinForecast(emptyFacts({ projectId, now }));
    };
    return { state, generate };
  }

  it('two replicas asked at once generate once: the lease holder writes, the other waits for its row', async () => {
    const p = await project('p_replicas');
    const { state, generate } = gatedGenerator();
    const options = { db: sql.store.db, bucket, log, generate, now: () => NOW, waitStepMs: 2 };
    // B's clock counts its reads: today() reads it once, the lease loop three times per attempt that
    // found the lease taken and no row yet, so four reads prove B is waiting on A's lease.
    let bReads = 0;
    const a = new ForecastStore(options);
    const b = new ForecastStore({
      ...options,
      now: () => {
        bReads++;
        return NOW;
      },
    });
    const aFirst = a.today(p);
    while (state.calls === 0) await new Promise((r) => setTimeout(r, 1));
    const both = Promise.all([aFirst, b.today(p), a.today(p)]);
    while (bReads < 4) await new Promise((r) => setTimeout(r, 1));
    state.release();
    const [fa, fb, fa2] = await both;
    expect(state.calls).toBe(1);
    expect(fb.id).toBe(fa.id);
    expect(fa2.id).toBe(fa.id);
    const rows = await sql.store.db.selectFrom('forecasts').select('id').where('project_id', '=', p).execute();
    expect(rows).toHaveLength(1);
    const lease = await sql.store.db.selectFrom('leases').selectAll().execute();
    expect(lease).toEqual([]);
  });

  it('takes over a lease whose holder died', async () => {
    const p = await project('p_dead_holder');
    await sql.store.db
      .insertInto('leases')
      .values({ name: `forecast:${p}`, holder: 'f_dead', expires_at: NOW - 1 })
      .execute();
    const store = new ForecastStore({
      db: sql.store.db,
      bucket,
      log,
      now: () => NOW,
      generate: async (projectId, now) => builtinForecast(emptyFacts({ projectId, now })),
    });
    const f = await store.today(p);
    expect(f.projectId).toBe(p);
    expect(await bucket.get(forecastObjectKey(p, '2026-11-25'))).toBeDefined();
  });

  it('still answers when the bucket copy or the onForecast hook fails', async () => {
    const p = await project('p_faults');
    const broken = Object.create(bucket) as DirBucket;
    broken.put = async () => {
      throw new Error('disk full');
    };
    const seen: string[] = [];
    const store = new ForecastStore({
      db: sql.store.db,
      bucket: broken,
      log,
      now: () => NOW,
      generate: async (projectId, now) => builtinForecast(emptyFacts({ projectId, now })),
      onForecast: (_p, f) => {
        seen.push(f.id);
        throw new Error('hook failed');
      },
    });
    const f = await store.today(p);
    expect(seen).toEqual([f.id]);
    expect((await store.today(p)).id).toBe(f.id);
    expect(await store.byId(p, f.id)).toEqual(f);
    expect(await store.byId('p_other', f.id)).toBeUndefined();
  });
});
