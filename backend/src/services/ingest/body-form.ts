import { AppError } from '../../errors.js';

/**
 * How an ingest body is laid out: one record a line, one JSON document, plain-text lines, or an
 * OTLP ExportLogsServiceRequest (`POST /v1/logs`) in protobuf or JSON.
 */
export type BodyForm = 'ndjson' | 'json' | 'text' | 'otlp-protobuf' | 'otlp-json';

/** The two encodings ingest reads; anything else answers 415. */
export type BodyEncoding = 'gzip' | 'identity';

// Media types that carry one JSON record a line, as loggers and shippers name them.
const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonl',
  'application/jsonlines',
  'application/x-jsonlines',
  'application/json-seq',
]);

/**
 * The body form named by a `Content-Type` header (parameters such as charset ignored); a missing
 * or unknown type answers 415, since guessing would mis-read a body silently.
 *
 * @example
 * bodyFormOf('application/x-ndjson; charset=utf-8'); // 'ndjson'
 */
export function bodyFormOf(contentType: string | undefined): BodyForm {
  const type = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (NDJSON_TYPES.has(type)) return 'ndjson';
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return 'json';
  if (type === 'text/plain') return 'text';
  throw new AppError(
    'unsupported_media_type',
    `unsupported content type ${JSON.stringify(type.slice(0, 100))}; send application/x-ndjson, application/json or text/plain`,
  );
}

/**
 * The encoding named by `Content-Encoding`: gzip (also `x-gzip`) or identity; anything else is 415.
 *
 * @example
 * bodyEncodingOf('gzip'); // 'gzip'
 */
export function bodyEncodingOf(contentEncoding: string | undefined): BodyEncoding {
  const value = (contentEncoding ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  throw new AppError(
    'unsupported_media_type',
    `unsupported content encoding ${JSON.stringify(value.slice(0, 100))}; use gzip or none`,
  );
}
