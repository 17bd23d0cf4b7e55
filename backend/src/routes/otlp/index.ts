import type { FastifyInstance } from 'fastify';

/** POST /v1/logs, the OTLP/HTTP receiver (filled in by its own change; registered here so routes/index.ts stays stable). */
export default async function otlpRoutes(_app: FastifyInstance): Promise<void> {}
