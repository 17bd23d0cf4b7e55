import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { openTestSql, type TestSql } from './sql-stores.js';

/** A backend listening on a free port over a fresh store, for tests over real sockets. */
export interface TestApp {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  url: string;
  sql: TestSql;
  config: Config;
  close(): Promise<void>;
}

/** Options for {@link startTestApp}. */
export interface TestAppOptions {
  dialect?: 'sqlite' | 'postgres';
  /** Extra environment for `loadConfig` (limits, rate limits...). */
  env?: Record<string, string>;
  now?: () => number;
}

export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef0123456789';

/** Builds the app on a fresh SQLite or PostgreSQL store and a temp-dir bucket, listening on 127.0.0.1:0. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const sql = await openTestSql(options.dialect ?? 'sqlite');
  // Route suites sign up dozens of accounts from 127.0.0.1 and page logs hundreds of times a
  // minute with one key; the sign-up and logs-read limits have their own tests.
  const config = loadConfig({
    CLOUDSAGE_DATA_DIR: sql.dataDir,
    LOG_LEVEL: 'silent',
    CLOUDSAGE_REGISTER_RATE_PER_HOUR: '0',
    CLOUDSAGE_SEARCH_RATE_PER_MIN: '0',
    ...options.env,
  });
  const bucket = new DirBucket(`${sql.dataDir}/bucket`);
  const app = await buildApp({
    config,
    sql: sql.store,
    bucket,
    jwtSecret: TEST_JWT_SECRET,
    now: options.now,
    logger: false,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    sql,
    config,
    async close() {
      await app.close();
      await sql.dispose();
    },
  };
}
