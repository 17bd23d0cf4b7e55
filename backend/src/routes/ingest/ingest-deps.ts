import type { FastifyInstance } from 'fastify';
import type { IngestDeps } from '../../services/ingest/ingest-batch.js';
import { IngestPool } from '../../services/ingest/ingest-pool.js';
import { dailyQuotaHook } from '../../services/quota/daily-ingest-quota.js';

/**
 * What the ingest service needs from the app, for `POST /api/ingest` and `POST /v1/logs` alike:
 * the stores, config and clock, the daily quota, and a worker pool of at most `threads` threads (started on first
 * use, closed with the app) so decoding and normalizing keep off the main thread. Store failures
 * are logged under `route`.
 *
 * @example
 * const deps = ingestDeps(app, app.config.ingestWorkers, 'ingest');
 */
export function ingestDeps(app: FastifyInstance, threads: number, route: string): Required<IngestDeps> {
  const pool = new IngestPool(threads);
  app.addHook('onClose', () => pool.close());
  return {
    prepare: pool.prepare.bind(pool),
    sql: app.sql,
    bucket: app.bucket,
    config: app.config,
    now: app.now,
    onStoreError: (err: unknown, what: string) => app.log.error({ err }, `${route}: ${what} failed`),
    quota: dailyQuotaHook({
      db: app.sql.db,
      perDay: app.config.dailyRecordsPerProject,
      now: app.now,
      onRejected: () => app.metrics.ingestQuotaRejected.inc(),
    }),
  };
}
