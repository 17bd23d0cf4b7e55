import type { FastifyInstance } from 'fastify';
import { buildOpenApi } from './openapi.js';

/** `GET /api/docs`: the OpenAPI 3.1 document of the HTTP API (also at `/api/docs/openapi.json`). */
export default async function docsRoutes(app: FastifyInstance): Promise<void> {
  // Built once: the document depends only on the schemas compiled into this build.
  const doc = JSON.stringify(buildOpenApi(process.env.npm_package_version ?? '0.1.0'));
  const send = async (_req: unknown, reply: import('fastify').FastifyReply) =>
    reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(doc);
  app.get('/api/docs', send);
  app.get('/api/docs/openapi.json', send);
}
