import type { FastifyContextConfig, FastifyInstance, FastifyReply } from 'fastify';
import { buildOpenApi, type DocumentedRoute } from './openapi.js';
import referenceRoutes from './reference.js';

/** Options of the docs routes. */
export interface DocsRoutesOptions {
  /** The app's routes as `collectRoutes` gathers them; complete once the app is ready. */
  routes: readonly DocumentedRoute[];
}

/**
 * `GET /api/docs`: the OpenAPI 3.1 document of the HTTP API (also at `/api/docs/openapi.json`);
 * `GET /api/reference`: the same document rendered for people.
 */
export default async function docsRoutes(app: FastifyInstance, options: DocsRoutesOptions): Promise<void> {
  // Built once every route is registered: it depends only on the routes and schemas of this build.
  let doc = '';
  app.addHook('onReady', async () => {
    doc = JSON.stringify(buildOpenApi(options.routes, process.env.npm_package_version ?? '0.1.0'));
  });
  const send = async (_req: unknown, reply: FastifyReply) =>
    reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(doc);
  const config: FastifyContextConfig = {
    auth: 'public',
    openapi: { summary: 'This OpenAPI 3.1 document', tag: 'ops', response: 'application/json' },
  };
  app.get('/api/docs', { config }, send);
  app.get('/api/docs/openapi.json', { config }, send);
  await app.register(referenceRoutes);
}
