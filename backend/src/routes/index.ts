import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps.js';
import { eventsRoutes } from './events/index.js';
import { ingestRoutes } from './ingest/index.js';

/**
 * Registers every route plugin. Each area lives in `routes/<area>/` and registers itself here
 * with one line, so this file reads as the API's table of contents.
 */
export async function registerRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await app.register(ingestRoutes);
  await app.register(eventsRoutes, { bus: app.events, heartbeatMs: deps.eventsHeartbeatMs });
}
