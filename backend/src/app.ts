import { randomUUID } from 'node:crypto';
import fastifyCors from '@fastify/cors';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { AppDeps } from './app-deps.js';
import type { Config } from './config.js';
import { createMetrics, type Metrics } from './instrumentation/metrics.js';
import { instrumentBucket, instrumentSql } from './instrumentation/store-timing.js';
import authPlugin from './plugins/auth.js';
import errorHandler from './plugins/error-handler.js';
import httpMetrics from './plugins/http-metrics.js';
import { registerRoutes } from './routes/index.js';
import type { EventBus } from './services/events/event-bus.js';
import { IngestTicker } from './services/events/ingest-ticker.js';
import { memoryBus } from './services/events/memory-bus.js';
import type { Bucket } from './store/bucket/bucket.js';
import type { SqlStore } from './store/sql/open-sql.js';

export type { AppDeps } from './app-deps.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    sql: SqlStore;
    bucket: Bucket;
    now: () => number;
    /** The Prometheus registry behind `GET /metrics`; ingest adds to its counters. */
    metrics: Metrics;
    /** Live events to SSE clients. */
    events: EventBus;
    /** Batches ingest counts into at most one `ingest` event per project per second. */
    ingestTicker: IngestTicker;
  }
}

/** Paths pino must never print: credentials in headers, cookies and bodies. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-cloudsage-key"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.key',
];

// `?key=` carries an API key for EventSource (docs/architecture.md, "Events"); its value must not reach the log.
const KEY_IN_QUERY = /([?&]key=)[^&#]*/gi;

/** Fastify's request serializer, with an API key in the query string replaced by `[redacted]`. */
function serializeRequest(req: FastifyRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: req.url.replace(KEY_IN_QUERY, '$1[redacted]'),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * The pino options the app logs with by default: the level, REDACT_PATHS censored, and request
 * URLs without their `?key=` value. Tests pass these with a `stream` to read what would be logged.
 *
 * @example
 * const app = await buildApp({ ...deps, logger: { ...loggerOptions('info'), stream } });
 */
export function loggerOptions(level: string) {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: serializeRequest },
  };
}

/** `trustProxy` as a hop count, spelled as the function fastify's types accept (proxy-addr's rule). */
function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/**
 * Builds the backend app without listening (STYLE habit 9): tests call this and listen on port 0.
 *
 * @example
 * const app = await buildApp({ config, sql, bucket, jwtSecret });
 * await app.listen({ port: 0 });
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const logger = deps.logger === undefined ? loggerOptions(config.logLevel) : deps.logger;
  const app = Fastify({
    logger: logger as FastifyServerOptions['logger'],
    bodyLimit: config.limits.maxBodyBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    // Behind a proxy every request comes from the proxy's address; rate limits need the client's.
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // A stalled client must not hold a socket forever (slowloris): headers and body have deadlines.
    connectionTimeout: 60_000,
    requestTimeout: 60_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // A path Fastify cannot route (an id over the router's length limit, bad percent-encoding)
    // names no resource: answer our 404 shape, not Fastify's own 414/400 body.
    frameworkErrors: (_error, _request, reply: FastifyReply) => {
      reply.status(404).send({ error: { code: 'not_found', message: 'route not found' } });
    },
  });
  app.decorate('config', config);
  const metrics = createMetrics();
  app.decorate('metrics', metrics);
  app.decorate('sql', instrumentSql(deps.sql, metrics));
  app.decorate('bucket', instrumentBucket(deps.bucket, metrics));
  app.decorate('now', deps.now ?? Date.now);
  const events = deps.events ?? memoryBus(app.now);
  app.decorate('events', events);
  app.decorate('ingestTicker', new IngestTicker(events));
  app.addHook('onClose', async () => {
    app.ingestTicker.stop();
    await events.close();
  });
  app.decorateRequest('identity', null);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errorHandler);
  await app.register(httpMetrics);
  // Before auth: a preflight carries no credentials and is answered in cors's onRequest hook, and
  // its catch-all OPTIONS route predates auth's "every route declares config.auth" check.
  if (config.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: config.corsOrigins,
      // Bearer tokens and API keys, not cookies: the session cookie stays same-site (SameSite=Lax).
      credentials: false,
      exposedHeaders: ['retry-after', 'x-request-id'],
      maxAge: 600,
    });
  }
  await app.register(authPlugin, { jwtSecret: deps.jwtSecret });
  await app.register(registerRoutes, deps);
  return app;
}
