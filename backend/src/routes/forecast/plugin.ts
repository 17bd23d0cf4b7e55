import type { FastifyInstance } from 'fastify';

/** GET /api/forecast/:projectId and its feedback route, with the forecast store (filled in by its own change; registered here so routes/index.ts stays stable). */
export default async function forecastPlugin(_app: FastifyInstance): Promise<void> {}
