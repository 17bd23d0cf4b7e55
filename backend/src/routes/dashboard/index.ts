import type { FastifyInstance } from 'fastify';

/** The dashboard's built files at / (filled in by its own change; registered here so routes/index.ts stays stable). */
export default async function dashboardRoutes(_app: FastifyInstance): Promise<void> {}
