import type { FastifyInstance } from 'fastify';

/** GET /api/projects/:id/logs (filled in by its own change; registered here so routes/index.ts stays stable). */
export default async function logsRoutes(_app: FastifyInstance): Promise<void> {}
