import { Readable } from 'node:stream';
import type { IngestResponse } from '@cloudsage/schema';
import { AppError } from '../../../errors.js';
import type { Identity } from '../../../identity.js';
import { bodyEncodingOf } from '../body-form.js';
import { type IngestDeps, type IngestOutcome, ingestBatch } from '../ingest-batch.js';
import { readBody } from '../read-body.js';
import { decodeLogsRequest } from './otlp-proto.js';
import { flattenLogsRequest } from './otlp-records.js';

/** The two OTLP/HTTP encodings (OTLP spec, "OTLP/HTTP Request"). */
export type OtlpEncoding = 'protobuf' | 'json';

/** One OTLP/HTTP logs request as the route hands it over. */
export interface OtlpInput {
  body: Readable;
  identity: Identity | null;
  encoding: OtlpEncoding;
  contentEncoding: string | undefined;
  contentLength: string | undefined;
  /** `?projectId=` / `X-CloudSage-Project`, as on `/api/ingest`: a key's other project answers 404. */
  projectIdQuery: string | undefined;
  projectIdHeader: string | undefined;
  idempotencyKey: string | string[] | undefined;
  droppedHeader: string | undefined;
}

/**
 * The encoding named by `Content-Type`, or 415: OTLP/HTTP defines `application/x-protobuf` and
 * `application/json` only (`application/protobuf` is accepted as the IANA-style spelling).
 *
 * @example
 * otlpEncodingOf('application/x-protobuf'); // 'protobuf'
 */
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding {
  const type = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new AppError(
    'unsupported_media_type',
    `unsupported content type ${JSON.stringify(type.slice(0, 100))}; OTLP/HTTP sends application/x-protobuf or application/json`,
  );
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new AppError('invalid_body', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * The flattened records as the JSON body ingest reads. JSON.parse accepts nesting deeper than
 * JSON.stringify can write back (V8 recurses on the stack there), so a value nested thousands
 * deep is refused as input here instead of failing as a 500.
 */
function recordsJson(records: unknown[]): Buffer {
  try {
    return Buffer.from(JSON.stringify(records));
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new AppError('invalid_body', 'the body is nested too deeply', { cause: err });
  }
}

/**
 * Receives one OTLP/HTTP ExportLogsServiceRequest: reads the body within the ingest limits
 * (gzip inflated while streaming), decodes protobuf or JSON, flattens it into OTLP log records
 * and stores them through the same durable ingest path as `POST /api/ingest` (which normalizes
 * them with @cloudsage/schema's OpenTelemetry-aware normalizer). Only ingest API keys may send.
 *
 * @example
 * const outcome = await receiveOtlpLogs(deps, { body: request.raw, identity, encoding: 'protobuf', ... });
 */
export async function receiveOtlpLogs(deps: IngestDeps, input: OtlpInput): Promise<IngestOutcome> {
  const identity = input.identity;
  if (identity?.kind !== 'key') {
    throw new AppError('unauthorized', 'send an ingest API key as "Authorization: Bearer csk_..." or x-cloudsage-key');
  }
  const { limits } = deps.config;
  const compression = bodyEncodingOf(input.contentEncoding);
  const declared = input.contentLength === undefined ? Number.NaN : Number(input.contentLength);
  if (declared > limits.maxBodyBytes) {
    throw new AppError('payload_too_large', `the request body exceeds ${limits.maxBodyBytes} bytes`, {
      details: { limit: limits.maxBodyBytes },
    });
  }
  const chunks: Buffer[] = [];
  const bytes = await readBody(input.body, compression, limits, (chunk) => chunks.push(chunk));
  const raw = Buffer.concat(chunks, bytes.inflated);
  const records =
    input.encoding === 'protobuf'
      ? flattenLogsRequest(decodeLogsRequest(raw), 'base64', limits.maxBatchRecords)
      : flattenLogsRequest(parseJson(raw), 'hex', limits.maxBatchRecords);

  // The wire limits were enforced on the request as sent; the re-encoded batch below is ours,
  // so only the record limits still apply to it.
  const unbounded = Number.MAX_SAFE_INTEGER;
  const outcome = await ingestBatch(
    {
      ...deps,
      config: { ...deps.config, limits: { ...limits, maxBodyBytes: unbounded, maxInflatedBytes: unbounded } },
    },
    {
      body: Readable.from([recordsJson(records)]),
      identity,
      contentType: 'application/json',
      contentEncoding: undefined,
      contentLength: undefined,
      projectIdQuery: input.projectIdQuery,
      projectIdHeader: input.projectIdHeader,
      idempotencyKey: input.idempotencyKey,
      droppedHeader: input.droppedHeader,
    },
  );
  return { ...outcome, bytes: outcome.replayed ? 0 : bytes.inflated };
}

/**
 * The OTLP partial-success figures for an ingest answer: undefined when everything was accepted
 * (the spec says to leave `partial_success` unset then), else the rejected count and a message
 * naming the first rejections.
 *
 * @example
 * partialSuccessOf({ batchId, accepted: 9, rejected: 1, errors: [{ index: 3, message: 'empty' }] });
 */
export function partialSuccessOf(response: IngestResponse): { rejected: number; message: string } | undefined {
  if (response.rejected === 0) return undefined;
  const first = response.errors
    .slice(0, 3)
    .map((e) => `record ${e.index}: ${e.message}`)
    .join('; ');
  return {
    rejected: response.rejected,
    message: `${response.rejected} log records rejected${first ? `: ${first}` : ''}`,
  };
}
