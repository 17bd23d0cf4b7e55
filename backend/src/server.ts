import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp, REDACT_PATHS } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { countSkippedInput } from './instrumentation/metrics.js';
import { Alerter } from './services/alerts/alerter.js';
import { Dispatcher } from './services/dispatch/dispatcher.js';
import type { EventBus } from './services/events/event-bus.js';
import { pgBus } from './services/events/pg-bus.js';
import { RetentionJob } from './services/retention/retention-job.js';
import type { Bucket } from './store/bucket/bucket.js';
import { openBucket } from './store/bucket/open-bucket.js';
import { openSql, type SqlStore } from './store/sql/open-sql.js';

/*
 * The backend's entry point (STYLE: `src/app.ts` builds, `src/server.ts` listens). It only wires:
 * configuration, stores, the app, the scoring dispatcher, the alerter and the retention job, and a shutdown that
 * runs once on SIGTERM/SIGINT.
 */

/**
 * The JWT secret: `JWT_SECRET` when given, else one generated on first start and kept in
 * `<dataDir>/jwt-secret` (mode 0600), so sessions survive restarts.
 */
function jwtSecretOf(config: Config): string {
  if (config.jwtSecret) return config.jwtSecret;
  const file = join(config.dataDir, 'jwt-secret');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  // 'wx' fails if a concurrent start wrote it first; that one's secret is then read back.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
  chmodSync(file, 0o600);
  return secret;
}

async function main(): Promise<void> {
  // Every batch's object put does fsyncs on libuv's pool, which zlib and crypto share; its default
  // 4 threads let slow fsyncs queue everything else. It is sized when first used, i.e. after this.
  process.env.UV_THREADPOOL_SIZE ??= '16';
  const bootLog = pino({ name: 'cloudsage-backend' });
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      bootLog.fatal(err.message);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
  const log = pino({ level: config.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
  const jwtSecret = jwtSecretOf(config);
  const sql: SqlStore = await openSql({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const bucket: Bucket = openBucket(config);
  let events: EventBus | undefined;
  if (config.databaseUrl) {
    events = await pgBus({ url: config.databaseUrl, db: sql.db, now: Date.now, log });
  }

  const app: FastifyInstance = await buildApp({ config, sql, bucket, jwtSecret, events, logger: undefined });
  const alerter = new Alerter({
    db: sql.db,
    serverSecret: jwtSecret,
    allowPrivate: config.allowPrivateWebhooks,
    log: app.log,
  });
  const dispatcher = new Dispatcher({
    sql,
    bucket,
    worker: { url: config.workerUrl, apiKey: config.workerApiKey, timeoutMs: 30_000 },
    log: app.log,
    windowMs: config.scoreWindowMs,
    noDataWindows: config.noDataWindows,
    onScore: async (projectId, point) => {
      await app.events.publish(projectId, { type: 'score', data: point });
      await alerter.onScore(projectId, point);
    },
    onSkipped: countSkippedInput(app.metrics, 'scoring'),
  });
  const retention = new RetentionJob({
    db: sql.db,
    bucket,
    log: app.log,
    days: config.retention.days,
    intervalMs: config.retention.intervalMs,
    maxBatchesPerRun: config.retention.batchesPerRun,
    onSwept: (r) => {
      app.metrics.retentionRemoved.inc({ kind: 'batches' }, r.batches);
      app.metrics.retentionRemoved.inc({ kind: 'objects' }, r.objects);
      app.metrics.retentionRemoved.inc({ kind: 'minute_metrics' }, r.minuteMetrics);
      app.metrics.retentionRemoved.inc({ kind: 'risk_history' }, r.riskHistory);
      app.metrics.retentionRemoved.inc({ kind: 'forecasts' }, r.forecasts);
      app.metrics.retentionRemoved.inc({ kind: 'forecast_feedback' }, r.forecastFeedback);
      app.metrics.retentionRemoved.inc({ kind: 'rate_limits' }, r.rateLimits);
    },
  });

  let closing: Promise<void> | undefined;
  const shutdown = (signal: string): Promise<void> => {
    // Runs once; a second signal while closing waits for the same shutdown.
    closing ??= (async () => {
      app.log.info({ signal }, 'shutting down');
      await dispatcher.stop();
      await retention.stop();
      await app.close();
      await bucket.close();
      await sql.close();
      app.log.info('stopped');
    })().catch((err) => {
      app.log.error({ err }, 'shutdown failed');
      process.exitCode = 1;
    });
    return closing;
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  dispatcher.start();
  retention.start();
}

main().catch((err) => {
  pino({ name: 'cloudsage-backend' }).fatal({ err }, 'start failed');
  process.exit(1);
});
