import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openSql, type SqlStore } from '../../src/store/sql/open-sql.js';

/** The shared PostgreSQL server of this machine (trust auth); tests create and drop their own databases. */
export const TEST_PG_URL = process.env.CLOUDSAGE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, migrated SQL store of one dialect, and how to throw it away. */
export interface TestSql {
  store: SqlStore;
  /** PostgreSQL URL of the test database (undefined for SQLite). */
  url?: string;
  dataDir: string;
  dispose(): Promise<void>;
}

/** Creates an empty PostgreSQL database named for the test and answers its URL. */
export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cs_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Opens a fresh store: SQLite in a temp dir, or a new PostgreSQL database. */
export async function openTestSql(dialect: 'sqlite' | 'postgres'): Promise<TestSql> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-sql-'));
  if (dialect === 'sqlite') {
    const store = await openSql({ dataDir });
    return {
      store,
      dataDir,
      async dispose() {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const database = await createPgDatabase();
  const store = await openSql({ dataDir, databaseUrl: database.url, poolSize: 4 });
  return {
    store,
    url: database.url,
    dataDir,
    async dispose() {
      await store.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Both dialects, for `describe.each(SQL_DIALECTS)` so one suite runs against each. */
export const SQL_DIALECTS = ['sqlite', 'postgres'] as const;

/** A project to seed: its id, and the fields a test cares about. */
export interface SeedProject {
  id: string;
  name?: string;
  alertUrl?: string;
  alertThreshold?: number;
}

/**
 * Seeds user `u1` and its projects (`p1` unless told), which batches, jobs and alerts refer to.
 *
 * @example
 * await seedProjects(t.store, T0, [{ id: 'p1' }, { id: 'p2' }]);
 */
export async function seedProjects(
  store: SqlStore,
  at: number,
  projects: readonly SeedProject[] = [{ id: 'p1' }],
): Promise<void> {
  await store.db
    .insertInto('users')
    .values({ id: 'u1', email: 'u@x.io', password_hash: 'x', created_at: at })
    .execute();
  for (const p of projects) {
    await store.db
      .insertInto('projects')
      .values({
        id: p.id,
        user_id: 'u1',
        name: p.name ?? p.id,
        alert_url: p.alertUrl ?? null,
        alert_threshold: p.alertThreshold ?? null,
        created_at: at,
        updated_at: at,
      })
      .execute();
  }
}
