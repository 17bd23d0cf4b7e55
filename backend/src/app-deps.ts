import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import type { EventBus } from './services/events/event-bus.js';
import type { Bucket } from './store/bucket/bucket.js';
import type { SqlStore } from './store/sql/open-sql.js';

/** What the app is built from: configuration and opened stores (tests pass their own). */
export interface AppDeps {
  config: Config;
  sql: SqlStore;
  bucket: Bucket;
  /** The HS256 secret for user tokens (from config, or generated and kept in the data dir). */
  jwtSecret: string;
  /** The clock; tests inject one. */
  now?: () => number;
  /** Live events (SSE); defaults to the in-process bus. PostgreSQL deployments pass `pgBus`. */
  events?: EventBus;
  /** SSE heartbeat interval; tests shorten it. */
  eventsHeartbeatMs?: number;
  /** Fastify's logger option; defaults to pino at the configured level with secrets redacted. */
  logger?: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance'];
}
