import type { Readable } from 'node:stream';
import type { IngestResponse } from '@cloudsage/schema';
import { AppError } from '../../../errors.js';
import type { Identity } from '../../../identity.js';
import { type IngestDeps, type IngestOutcome, ingestBatch } from '../ingest-batch.js';

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

/**
 * Receives one OTLP/HTTP ExportLogsServiceRequest: reads the body within the ingest limits
 * (gzip inflated and every element counted while streaming), decodes protobuf or JSON on an ingest
 * worker thread, flattens it into OTLP log records and stores them through the same durable ingest path as `POST /api/ingest` (which normalizes
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
  // Decoding runs where /api/ingest's does (the ingest pool's worker threads), with every
  // repeated entry and nesting level counted while the body streams (ProtoBounds, JsonBounds).
  return ingestBatch(deps, {
    body: input.body,
    identity,
    contentType: undefined,
    form: input.encoding === 'protobuf' ? 'otlp-protobuf' : 'otlp-json',
    contentEncoding: input.contentEncoding,
    contentLength: input.contentLength,
    projectIdQuery: input.projectIdQuery,
    projectIdHeader: input.projectIdHeader,
    idempotencyKey: input.idempotencyKey,
    droppedHeader: input.droppedHeader,
  });
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
