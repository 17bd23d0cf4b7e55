import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Counts and times every answered request into `http_requests_total` and
 * `http_request_duration_seconds`. The route label is the route's pattern (`/api/projects/:id`),
 * never the raw URL, so ids cannot blow up the series count; unmatched URLs share one label.
 */
async function httpMetrics(app: FastifyInstance): Promise<void> {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = request.method;
    app.metrics.httpRequests.inc({ method, route, status: reply.statusCode });
    app.metrics.httpDuration.observe({ method, route }, reply.elapsedTime / 1000);
  });
}

export default fp(httpMetrics, { name: 'http-metrics' });
