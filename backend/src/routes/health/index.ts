import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { countParkedWindows } from '../../services/dispatch/parked-windows.js';

/** How long a readiness probe waits for a store before calling it down. */
export const READY_TIMEOUT_MS = 2_000;

type Check = 'ok' | 'down';

// A hung store (a PostgreSQL that accepts but never answers) must fail the probe, not hang it.
async function probe(ping: () => Promise<void>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Check>((resolve) => {
    timer = setTimeout(() => resolve('down'), READY_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([ping().then((): Check => 'ok'), timeout]);
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /healthz` (liveness: the process answers), `GET /readyz` (both stores answer; 503
 * `store_unavailable` naming the store otherwise) and `GET /metrics` (Prometheus text, with the
 * parked scoring windows counted from SQL at each scrape).
 */
export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  const live: FastifyContextConfig = {
    auth: 'public',
    openapi: { summary: 'Liveness', tag: 'ops' },
  };
  app.get('/healthz', { config: live }, async () => ({ status: 'ok' }));

  const ready: FastifyContextConfig = {
    auth: 'public',
    openapi: { summary: 'Readiness: the stores answer', tag: 'ops', errors: [503] },
  };
  app.get('/readyz', { config: ready }, async (request) => {
    const [sql, bucket] = await Promise.all([probe(() => app.sql.ping()), probe(() => app.bucket.ping())]);
    const checks = { sql, bucket };
    if (sql === 'down' || bucket === 'down') {
      request.log.warn({ checks }, 'readiness check failed');
      const down = Object.entries(checks)
        .filter(([, v]) => v === 'down')
        .map(([k]) => k);
      throw new AppError('store_unavailable', `not ready: ${down.join(', ')} unavailable`, {
        details: { checks },
        retryAfter: 5,
      });
    }
    return { status: 'ready', checks };
  });

  const metrics: FastifyContextConfig = {
    auth: 'public',
    openapi: { summary: 'Prometheus metrics', tag: 'ops', response: 'text/plain' },
  };
  app.get('/metrics', { config: metrics }, async (request, reply) => {
    try {
      // From SQL, so every replica tells the same number, also after a restart.
      app.metrics.scoringParkedWindows.set(undefined, await countParkedWindows(app.sql.db));
    } catch (err) {
      // The rest of the registry still answers; the gauge keeps its last value.
      request.log.warn({ err }, 'could not count parked scoring windows');
    }
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(app.metrics.render());
  });
}
