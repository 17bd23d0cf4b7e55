import type { Readable } from 'node:stream';
import { IngestEnvelope } from '@cloudsage/schema';
import { AppError } from '../../errors.js';
import type { BodyEncoding, BodyForm } from './body-form.js';
import { JsonBounds } from './json-bounds.js';
import { LineSplitter } from './line-splitter.js';
import { decodeLogsRequest, logsRequestBounds } from './otlp/otlp-proto.js';
import { flattenLogsRequest } from './otlp/otlp-records.js';
import { type BodyBytes, type BodyLimits, readBody, type WholeGzip } from './read-body.js';

/**
 * A decoded body: JSON values not yet normalized, or, for NDJSON and text, only the byte counts
 * (its lines went to `onLine` as they were split).
 */
export type DecodedBody =
  | { kind: 'lines'; bytes: BodyBytes }
  | { kind: 'values'; values: unknown[]; projectId: string | undefined; bytes: BodyBytes };

/** Limits for decoding: the body limits plus records a batch and bytes a record. */
export interface DecodeLimits extends BodyLimits {
  maxBatchRecords: number;
  maxRecordBytes: number;
  /** Repeated elements a document may hold (config.ts: CLOUDSAGE_MAX_ELEMENTS). */
  maxElements?: number;
  /** Nesting a document may reach (config.ts: CLOUDSAGE_MAX_DEPTH). */
  maxDepth?: number;
}

// The config defaults, for callers that build their own limits.
const DEFAULT_MAX_ELEMENTS = 100_000;
const DEFAULT_MAX_DEPTH = 32;

/** A streaming bound on the document's shape, fed every inflated chunk before anything is parsed. */
function boundsFor(form: BodyForm, limits: DecodeLimits): { push(chunk: Uint8Array): void; end?(): void } {
  const maxElements = limits.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (form === 'otlp-protobuf') return logsRequestBounds({ maxElements, maxDepth, maxRecords: limits.maxBatchRecords });
  return new JsonBounds({ maxElements, maxDepth });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new AppError('invalid_body', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

// A line longer than this is cut while streaming; the normalizer stores what fits anyway, so only
// a generous margin above the record limit is worth holding in memory.
function maxLineBytes(limits: DecodeLimits): number {
  return Math.min(limits.maxInflatedBytes, Math.max(1024 * 1024, limits.maxRecordBytes * 4));
}

function parseJsonDocument(text: string, limits: DecodeLimits): { values: unknown[]; projectId: string | undefined } {
  const doc = parseJson(text);
  let values: unknown[];
  let projectId: string | undefined;
  if (Array.isArray(doc)) values = doc;
  else if (doc !== null && typeof doc === 'object' && 'logs' in doc) {
    const envelope = IngestEnvelope.safeParse(doc);
    if (!envelope.success) {
      const issue = envelope.error.issues[0];
      throw new AppError('invalid_body', `invalid envelope: ${issue?.path.join('.')}: ${issue?.message}`, {
        details: { field: issue?.path.join('.') },
      });
    }
    values = envelope.data.logs;
    projectId = envelope.data.projectId;
  } else if (doc !== null && typeof doc === 'object') {
    // One record on its own is a batch of one.
    values = [doc];
  } else {
    throw new AppError('invalid_body', 'a JSON body must be an array of records or { projectId, logs: [...] }');
  }
  if (values.length > limits.maxBatchRecords) {
    throw new AppError('too_many_records', `a batch holds at most ${limits.maxBatchRecords} records`);
  }
  return { values, projectId };
}

/**
 * Reads and decodes an ingest body in one pass with every limit checked while streaming. Lines
 * are split as bytes arrive, and handed to `onLine` as each completes (so a caller can normalize
 * a line while its bytes are fresh, keeping no array of lines or records); a JSON or OTLP
 * document is parsed whole, but only after its every chunk passed a streaming bound on its
 * elements and depth (`JsonBounds`, `ProtoBounds`), so no parser ever meets a bomb. For lines,
 * `onWhole` hears a small gzip body read whole (read-body.ts, WholeGzip).
 *
 * @example
 * const decoded = await decodeBody(request.raw, 'ndjson', 'gzip', config.limits, (line) => normalizer.line(line));
 */
export async function decodeBody(
  body: Readable,
  form: BodyForm,
  encoding: BodyEncoding,
  limits: DecodeLimits,
  onLine: (line: string) => void,
  onRaw?: (rawBytes: number) => void,
  onWhole?: (whole: WholeGzip) => void,
): Promise<DecodedBody> {
  if (form === 'json' || form === 'otlp-json' || form === 'otlp-protobuf') {
    const chunks: Buffer[] = [];
    const bounds = boundsFor(form, limits);
    const onChunk = (chunk: Buffer) => {
      bounds.push(chunk);
      chunks.push(chunk);
    };
    const bytes = await readBody(body, encoding, limits, onChunk, onRaw);
    bounds.end?.();
    const whole = Buffer.concat(chunks, bytes.inflated);
    chunks.length = 0;
    if (form === 'otlp-protobuf') {
      const values = flattenLogsRequest(decodeLogsRequest(whole), 'base64', limits.maxBatchRecords);
      return { kind: 'values', values, projectId: undefined, bytes };
    }
    const text = whole.toString('utf8');
    if (form === 'otlp-json') {
      const values = flattenLogsRequest(parseJson(text), 'hex', limits.maxBatchRecords);
      return { kind: 'values', values, projectId: undefined, bytes };
    }
    if (text.trim() === '') throw new AppError('invalid_body', 'the body is empty');
    return { kind: 'values', ...parseJsonDocument(text, limits), bytes };
  }
  // Each line is parsed on its own, but its items count against the request's bound too. Its depth
  // does not refuse the request: a line is at most `maxLineBytes`, and the normalizer cuts a deep
  // record at its own depth limit and keeps it, marked (as before these bounds).
  const lineBounds = new JsonBounds({
    maxElements: limits.maxElements ?? DEFAULT_MAX_ELEMENTS,
    maxDepth: Number.POSITIVE_INFINITY,
  });
  const splitter = new LineSplitter(
    limits.maxBatchRecords,
    maxLineBytes(limits),
    (line) => {
      lineBounds.line(line);
      onLine(line);
    },
    // A quarter of the record limit a field: a cut msg then leaves the normalizer room for the
    // fields after it, instead of taking the whole record budget and dropping them.
    Math.max(1024, Math.floor(limits.maxRecordBytes / 4)),
  );
  const bytes = await readBody(body, encoding, limits, (chunk) => splitter.push(chunk), onRaw, onWhole);
  splitter.end();
  return { kind: 'lines', bytes };
}
