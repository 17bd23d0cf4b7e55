import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp, loggerOptions } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { Bucket } from '../../src/store/bucket/bucket.js';
import { DirBucket } from '../../src/store/bucket/dir-bucket.js';
import { TEST_JWT_SECRET } from '../support/app.js';
import { openTestSql, type TestSql } from '../support/sql-stores.js';

/** A backend on a free port whose pino output (the production options, at trace) is kept in memory. */
export interface LoggedApp {
  app: FastifyInstance;
  url: string;
  sql: TestSql;
  config: Config;
  /** Every log line the app wrote so far, as pino printed it. */
  logLines: string[];
  close(): Promise<void>;
}

/**
 * Starts the app as `startTestApp` does, but with the logger the server uses (same redaction and
 * serializers) writing into `logLines`, so tests can grep what an operator's log would hold.
 * `wrapBucket` lets a test watch every key the app writes.
 */
export async function startLoggedApp(
  options: {
    dialect?: 'sqlite' | 'postgres';
    env?: Record<string, string>;
    wrapBucket?: (bucket: Bucket) => Bucket;
    listen?: boolean;
  } = {},
): Promise<LoggedApp> {
  const sql = await openTestSql(options.dialect ?? 'sqlite');
  const config = loadConfig({ CLOUDSAGE_DATA_DIR: sql.dataDir, LOG_LEVEL: 'trace', ...options.env });
  const dir = new DirBucket(`${sql.dataDir}/bucket`);
  const bucket = options.wrapBucket ? options.wrapBucket(dir) : dir;
  const logLines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logLines.push(line);
      done();
    },
  });
  const app = await buildApp({
    config,
    sql: sql.store,
    bucket,
    jwtSecret: TEST_JWT_SECRET,
    logger: { ...loggerOptions(config.logLevel), stream },
  });
  let url = '';
  if (options.listen !== false) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  } else {
    await app.ready();
  }
  return {
    app,
    url,
    sql,
    config,
    logLines,
    async close() {
      await app.close();
      await sql.dispose();
    },
  };
}
