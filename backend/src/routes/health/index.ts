import type { FastifyInstance } from 'fastify';

/** GET /healthz, /readyz and /metrics (filled in by its own change; registered here so routes/index.ts stays stable). */
export default async function healthRoutes(_app: FastifyInstance): Promise<void> {}
