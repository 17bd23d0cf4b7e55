/**
 * Builds the worker's Fastify app (separate from listening, so tests drive it over `inject` or a real
 * socket). Stateless: everything a score needs travels in the request, so any number of replicas can
 * run behind a load balancer.
 */

import type { IncomingMessage } from 'node:http';
import { ACCEPT_POST_HEADER, SCORE_NDJSON_CONTENT_TYPE } from '@cloudsage/schema';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { bearerChecker } from './auth.js';
import type { WorkerConfig } from './config.js';
import { WorkerError } from './errors.js';
import { parseScoreRequest } from './parse-request.js';
import { scoreWindow } from './score/score-window.js';
import { readStoredRequest, StoredScoreRequest } from './stored-request.js';

// What `/score` takes, named on each of its answers (Accept-Post) so a dispatcher sends the stored
// form only to a worker that takes it; an older worker never names it and keeps receiving JSON.
const SCORE_TYPES = `application/json, ${SCORE_NDJSON_CONTENT_TYPE}`;

/** Options of {@link build} beyond the configuration. */
export interface BuildOptions {
  /** Fastify's `logger` option (pino options, or false in tests). Defaults to pino at the config's level. */
  logger?: FastifyServerOptions['logger'];
}

/**
 * Builds the app: `POST /score`, `GET /healthz`, `GET /readyz`.
 *
 * @example
 * const app = await build(loadConfig());
 * await app.listen({ port: 8080, host: '127.0.0.1' });
 */
export async function build(config: WorkerConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: config.maxBodyBytes,
    // Requests already in flight finish on close; idle keep-alive sockets are closed at once.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  const authorized = config.apiKey === undefined ? () => true : bearerChecker(config.apiKey);
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    let e: WorkerError;
    if (err instanceof WorkerError) e = err;
    else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') e = new WorkerError('payload_too_large', err.message);
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') e = new WorkerError('unsupported_media_type', err.message);
    else if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      // Malformed JSON and other client mistakes Fastify detects before the handler.
      e = new WorkerError('invalid_body', err.message);
    } else {
      req.log.error({ err }, 'score failed');
      e = new WorkerError('internal', 'internal error');
    }
    const body: { code: string; message: string; details?: unknown } = { code: e.code, message: e.message };
    if (e.details !== undefined) body.details = e.details;
    return reply.status(e.statusCode).send({ error: body });
  });
  // The stored form: validated while it is read, so the handler gets a checked request (stored-request.ts).
  const limits = { maxBodyBytes: config.maxBodyBytes, maxRecords: config.maxRecords };
  app.addContentTypeParser(SCORE_NDJSON_CONTENT_TYPE, (req: FastifyRequest, payload: IncomingMessage) =>
    readStoredRequest(payload, req.headers, limits),
  );
  app.setNotFoundHandler((req, reply) => {
    return reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url}` } });
  });

  // Probes run every few seconds; logging each would drown the scoring lines.
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_req, reply) => {
    if (closing) return reply.status(503).send({ status: 'closing' });
    return { status: 'ready' };
  });

  app.post(
    '/score',
    {
      // Checked before the body is read, so an unauthenticated caller cannot make us parse megabytes.
      onRequest: async (req, reply) => {
        reply.header(ACCEPT_POST_HEADER, SCORE_TYPES);
        if (!authorized(req.headers.authorization)) {
          throw new WorkerError('unauthorized', 'missing or wrong Bearer key');
        }
        const type = req.headers['content-type']?.toLowerCase();
        if (
          type === undefined ||
          !(type.startsWith('application/json') || type.startsWith(SCORE_NDJSON_CONTENT_TYPE))
        ) {
          throw new WorkerError(
            'unsupported_media_type',
            `send the request as application/json or ${SCORE_NDJSON_CONTENT_TYPE}`,
          );
        }
      },
    },
    async (req) => {
      const parsed =
        req.body instanceof StoredScoreRequest ? { ok: true as const, data: req.body.data } : parseJson(req.body);
      if (!parsed.ok) {
        const issues = parsed.issues;
        const first = issues[0]!;
        throw new WorkerError('invalid_body', `${first.path || '(body)'}: ${first.message}`, { issues });
      }
      const started = performance.now();
      const result = scoreWindow(parsed.data);
      req.log.info(
        {
          projectId: parsed.data.projectId,
          records: parsed.data.logs.length,
          score: result.score,
          labels: result.labels,
          ms: Math.round(performance.now() - started),
        },
        'scored window',
      );
      return result;
    },
  );
  /** The JSON form: Fastify parsed the body; the records are counted, then validated. */
  function parseJson(raw: unknown): ReturnType<typeof parseScoreRequest> {
    const body = raw as { logs?: unknown } | null;
    if (Array.isArray(body?.logs) && body.logs.length > config.maxRecords) {
      throw new WorkerError('too_many_records', `at most ${config.maxRecords} records per request`, {
        records: body.logs.length,
      });
    }
    return parseScoreRequest(body);
  }
  return app;
}
