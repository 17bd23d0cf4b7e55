import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps.js';
import authRoutes from './auth/index.js';
import dashboardRoutes from './dashboard/index.js';
import docsRoutes from './docs/index.js';
import { collectRoutes } from './docs/openapi.js';
import { eventsRoutes } from './events/index.js';
import forecastPlugin from './forecast/plugin.js';
import healthRoutes from './health/index.js';
import { ingestRoutes } from './ingest/index.js';
import keyRoutes from './keys/index.js';
import logsRoutes from './logs/index.js';
import otlpRoutes from './otlp/index.js';
import projectRoutes from './projects/index.js';
import riskHistoryRoutes from './risk-history/index.js';

/**
 * Registers every route plugin. Each area lives in `routes/<area>/` and registers itself here
 * with one line, so this file reads as the API's table of contents. Each route declares its auth
 * and its OpenAPI description on itself; the document at `/api/docs` is collected from them.
 */
export async function registerRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const routes = collectRoutes(app);
  await app.register(healthRoutes);
  await app.register(docsRoutes, { routes });
  await app.register(authRoutes, { jwtSecret: deps.jwtSecret });
  await app.register(projectRoutes);
  await app.register(keyRoutes);
  await app.register(ingestRoutes);
  await app.register(otlpRoutes);
  await app.register(logsRoutes);
  await app.register(riskHistoryRoutes);
  await app.register(forecastPlugin, { jwtSecret: deps.jwtSecret });
  await app.register(eventsRoutes, { bus: app.events, heartbeatMs: deps.eventsHeartbeatMs });
  await app.register(dashboardRoutes);
}
