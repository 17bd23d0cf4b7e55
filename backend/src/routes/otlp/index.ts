import { DROPPED_HEADER, IDEMPOTENCY_KEY_HEADER, PROJECT_HEADER } from '@cloudsage/schema';
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { encodeLogsResponse, encodeStatus } from '../../services/ingest/otlp/otlp-proto.js';
import {
  type OtlpEncoding,
  otlpEncodingOf,
  partialSuccessOf,
  receiveOtlpLogs,
} from '../../services/ingest/otlp/receive-otlp.js';
import { ingestDeps } from '../ingest/ingest-deps.js';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

// google.rpc.Code for each status we answer, for the Status body OTLP error responses carry.
const RPC_CODES: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  409: 10, // ABORTED
  413: 8, // RESOURCE_EXHAUSTED
  415: 3, // INVALID_ARGUMENT
  422: 3, // INVALID_ARGUMENT: the batch can never be stored, so no retry
  429: 8, // RESOURCE_EXHAUSTED
  503: 14, // UNAVAILABLE
};

function requestEncoding(request: FastifyRequest): OtlpEncoding {
  try {
    return otlpEncodingOf(request.headers['content-type']);
  } catch {
    return 'json';
  }
}

function oneHeader(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function oneValue(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && v.length > 0 && v.length <= 200) return v;
  throw new AppError('invalid_query', 'projectId must be given once, as a non-empty string', {
    details: { field: 'projectId' },
  });
}

/**
 * Re-encodes the app's `{ error: { code, message } }` answer as the google.rpc.Status an OTLP
 * client expects, in the request's own encoding (OTLP spec, "Failures"). Status and
 * `Retry-After` stay as the shared error handler set them, which is what exporters act on.
 */
function toStatusBody(request: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
  let code = 'internal';
  let message = 'internal error';
  try {
    const parsed = JSON.parse(String(payload)) as { error?: { code?: string; message?: string } };
    code = parsed.error?.code ?? code;
    message = parsed.error?.message ?? message;
  } catch {
    return payload;
  }
  const rpcCode = RPC_CODES[reply.statusCode] ?? 13; // INTERNAL
  const text = `${code}: ${message}`;
  if (requestEncoding(request) === 'protobuf') {
    reply.header('content-type', PROTOBUF);
    return Buffer.from(encodeStatus(rpcCode, text));
  }
  reply.header('content-type', JSON_TYPE);
  return JSON.stringify({ code: rpcCode, message: text });
}

/**
 * `POST /v1/logs`, the OTLP/HTTP logs receiver (docs/architecture.md, "HTTP API"): protobuf or JSON, gzip
 * or not, authenticated by an ingest key like `POST /api/ingest`, and stored through the same
 * durable ingest service. Answers 200 with an ExportLogsServiceResponse (partial success when
 * records were rejected); errors carry a Status body, and 429/503 a `Retry-After`.
 */
export default async function otlpRoutes(app: FastifyInstance): Promise<void> {
  // The body stays a raw stream: the service reads it with the ingest limits checked as it flows.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.addHook('onSend', async (request, reply, payload) =>
    reply.statusCode >= 400 ? toStatusBody(request, reply, payload) : payload,
  );

  // Normalizing and building the batch object run on worker threads, as for /api/ingest. A pool of
  // its own (at most 2 threads, started on first use) so an app that never receives OTLP starts none.
  const deps = ingestDeps(app, Math.min(2, app.config.ingestWorkers), 'otlp');

  const config: FastifyContextConfig = {
    auth: ['key:ingest'],
    openapi: {
      summary: 'OpenTelemetry OTLP/HTTP logs (protobuf or JSON), with partial-success answers',
      tag: 'ingest',
      query: z.object({ projectId: z.string().optional().describe("the project; the key's own when not given") }),
      body: { [PROTOBUF]: 'binary', [JSON_TYPE]: z.record(z.string(), z.unknown()) },
      responseDescription: 'ExportLogsServiceResponse, in the request encoding',
      errors: [404, 409, 422, 429, 503],
      errorShape: 'RpcStatus',
    },
  };
  app.post('/v1/logs', { bodyLimit: app.config.limits.maxBodyBytes + 1, config }, async (request, reply) => {
    const header = request.headers;
    try {
      const encoding = otlpEncodingOf(header['content-type']);
      const outcome = await receiveOtlpLogs(deps, {
        body: request.raw,
        identity: request.identity,
        encoding,
        contentEncoding: oneHeader(header['content-encoding']),
        contentLength: oneHeader(header['content-length']),
        projectIdQuery: oneValue((request.query as Record<string, unknown>).projectId),
        projectIdHeader: oneHeader(header[PROJECT_HEADER]),
        idempotencyKey: header[IDEMPOTENCY_KEY_HEADER],
        droppedHeader: oneHeader(header[DROPPED_HEADER] as string | string[] | undefined),
      });
      const { accepted, rejected } = outcome.response;
      if (!outcome.replayed && accepted + rejected > 0) {
        app.metrics.ingestRecords.inc(undefined, accepted);
        app.metrics.ingestRejected.inc(undefined, rejected);
        app.metrics.ingestBytes.inc(undefined, outcome.bytes);
        app.ingestTicker.record(outcome.projectId, { accepted, rejected, bytes: outcome.bytes });
      }
      const partial = partialSuccessOf(outcome.response);
      if (encoding === 'protobuf') {
        return reply
          .status(200)
          .header('content-type', PROTOBUF)
          .send(Buffer.from(encodeLogsResponse(partial)));
      }
      // proto3 JSON writes int64 as a decimal string.
      const body = partial
        ? { partialSuccess: { rejectedLogRecords: String(partial.rejected), errorMessage: partial.message } }
        : {};
      return reply.status(200).header('content-type', JSON_TYPE).send(JSON.stringify(body));
    } finally {
      // A body we stopped reading (a limit, an early refusal) would otherwise be drained in full
      // before the socket could serve another request: close the connection instead.
      if (!request.raw.complete) reply.header('connection', 'close');
    }
  });
}
