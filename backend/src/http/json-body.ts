import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

/** Largest JSON body the account, project and key routes take; none of their bodies comes near it. */
export const JSON_BODY_LIMIT = 64 * 1024;

/**
 * Makes the calling plugin's routes take `application/json` only, uncompressed (anything else
 * answers 415), with an empty body read as no body (a bodyless logout from `fetch` with a JSON
 * content type), and a small body limit. Fastify would otherwise also take `text/plain`, which a cross-site form can
 * send without a preflight. Call it at the top of a route plugin; it is scoped to that plugin.
 *
 * @example
 * export default async function projectRoutes(app: FastifyInstance) {
 *   acceptJsonOnly(app);
 *   app.post('/api/projects', ...);
 * }
 */
export function acceptJsonOnly(app: FastifyInstance, bodyLimit = JSON_BODY_LIMIT): void {
  // Fastify's own parser keeps its prototype-poisoning checks (`__proto__`, `constructor.prototype`).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, body.toString(), done);
  });
  // Fastify hands the raw bytes to the parser whatever the encoding; say so instead of a parse error.
  app.addHook('preParsing', async (request) => {
    const { 'content-encoding': encoding, 'content-length': length, 'transfer-encoding': chunked } = request.headers;
    const hasBody = chunked !== undefined || (length !== undefined && length !== '0');
    if (hasBody && encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      throw new AppError('unsupported_media_type', 'send JSON bodies uncompressed (no Content-Encoding)');
    }
  });
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= bodyLimit;
  });
}
