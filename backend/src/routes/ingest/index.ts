import {
  DROPPED_HEADER,
  IDEMPOTENCY_KEY_HEADER,
  IngestEnvelope,
  IngestResponse,
  PROJECT_HEADER,
} from '@cloudsage/schema';
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { ingestBatch } from '../../services/ingest/ingest-batch.js';
import { ingestDeps } from './ingest-deps.js';

function oneValue(v: unknown, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && v.length > 0 && v.length <= 200) return v;
  throw new AppError('invalid_query', `${name} must be given once, as a non-empty string`, {
    details: { field: name },
  });
}

/**
 * `POST /api/ingest` (docs/architecture.md, "HTTP API"). Fastify neither buffers nor parses the body here:
 * this plugin's scope hands every content type over as the raw stream, which the ingest service
 * decodes with its limits checked while streaming.
 */
export async function ingestRoutes(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  // Decoding and normalizing run on worker threads, so the main thread keeps answering.
  const deps = ingestDeps(app, app.config.ingestWorkers, 'ingest');

  const config: FastifyContextConfig = {
    auth: ['user', 'key:ingest'],
    openapi: {
      summary: 'Ingest a batch of logs (gzip allowed; Idempotency-Key makes a retry count once)',
      tag: 'ingest',
      query: z.object({
        projectId: z
          .string()
          .optional()
          .describe('the project (required with a user token, unless the envelope names it)'),
      }),
      body: {
        'application/x-ndjson': 'text',
        'application/json': z.union([z.array(z.record(z.string(), z.unknown())), IngestEnvelope]),
        'text/plain': 'text',
      },
      status: 202,
      response: IngestResponse,
      errors: [404, 409, 422, 429, 503],
    },
  };
  app.post(
    '/api/ingest',
    // The service enforces the real limits while streaming; Fastify's own check must never be the
    // stricter one, or it would answer first with its own message.
    { bodyLimit: app.config.limits.maxBodyBytes + 1, config },
    async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const header = request.headers;
      try {
        const outcome = await ingestBatch(deps, {
          body: request.raw,
          identity: request.identity,
          contentType: header['content-type'],
          contentEncoding: header['content-encoding'],
          contentLength: header['content-length'],
          projectIdQuery: oneValue(query.projectId, 'projectId'),
          projectIdHeader: oneValue(header[PROJECT_HEADER], PROJECT_HEADER),
          idempotencyKey: header[IDEMPOTENCY_KEY_HEADER],
          droppedHeader: oneValue(header[DROPPED_HEADER], DROPPED_HEADER),
        });
        if (!outcome.replayed) {
          const { accepted, rejected } = outcome.response;
          app.metrics.ingestRecords.inc(undefined, accepted);
          app.metrics.ingestRejected.inc(undefined, rejected);
          app.metrics.ingestBytes.inc(undefined, outcome.bytes);
          app.ingestTicker.record(outcome.projectId, { accepted, rejected, bytes: outcome.bytes });
        }
        return reply.status(202).send(outcome.response);
      } finally {
        // A body we stopped reading (a limit, an early refusal) would otherwise be drained in full
        // before the socket could serve another request: close the connection instead.
        if (!request.raw.complete) reply.header('connection', 'close');
      }
    },
  );
}
