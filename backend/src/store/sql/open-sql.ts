import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { migrationProvider } from './migrations/index.js';
import { cachingStatements } from './statement-cache.js';

/** The SQL store: a Kysely instance over one of two dialects. */
export interface SqlStore {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  /** Runs a cheap query; rejects when the store is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Where the SQL store lives: a PostgreSQL URL, or SQLite in the data directory. */
export interface SqlOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

// BIGINT (int8) comes back from pg as a string by default; our epoch-ms values fit in a double.
pg.types.setTypeParser(20, (v: string) => Number(v));

function openSqlite(dataDir: string): SqlStore {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'cloudsage.db');
  // The database holds password hashes and key hashes: owner-only. SQLite creates -wal and -shm
  // with the database file's permissions, so creating (or fixing) this one covers all three.
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
  const database = new SQLite(file);
  // WAL lets readers run beside the single writer. FULL syncs the WAL at every commit, so a 202
  // means on disk, also across a power loss (docs/architecture.md, "Ingest path"); NORMAL would
  // only survive a process crash. Group commit (up to 64 batches a transaction) keeps the cost down.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(database) }) });
  return {
    db,
    dialect: 'sqlite',
    async ping() {
      database.prepare('select 1').get();
    },
    async close() {
      await db.destroy();
    },
  };
}

function openPostgres(url: string, poolSize: number): SqlStore {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  // An idle client that loses its server emits 'error' on the pool; without a listener it would
  // crash the process. Queries on a dead pool still reject, and readiness reports it.
  pool.on('error', () => {});
  // A client checked out by Kysely has no pool listener: when the server dies under it (a restart,
  // a failover) it emits 'error' on the client itself, which would crash the process too. Its query
  // rejects anyway (answered as 503), and the pool drops the broken client on release.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await db.destroy();
    },
  };
}

/** Brings the schema up to date; safe to run from several replicas at once (Kysely locks). */
export async function migrate(store: SqlStore): Promise<void> {
  const migrator = new Migrator({ db: store.db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? failed?.migrationName);
    throw new Error(`database migration failed: ${reason}`);
  }
}

/**
 * Opens the SQL store named by the configuration and runs pending migrations.
 *
 * @example
 * const sql = await openSql({ dataDir: '.cloudsage' }); // SQLite at .cloudsage/cloudsage.db
 */
export async function openSql(options: SqlOptions): Promise<SqlStore> {
  const store = options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : openSqlite(options.dataDir);
  try {
    await migrate(store);
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}
