import type { Readable } from 'node:stream';
import { IngestEnvelope } from '@cloudsage/schema';
import { AppError } from '../../errors.js';
import type { BodyEncoding, BodyForm } from './body-form.js';
import { LineSplitter } from './line-splitter.js';
import { type BodyBytes, type BodyLimits, readBody } from './read-body.js';

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
}

// A line longer than this is cut while streaming; the normalizer stores what fits anyway, so only
// a generous margin above the record limit is worth holding in memory.
function maxLineBytes(limits: DecodeLimits): number {
  return Math.min(limits.maxInflatedBytes, Math.max(1024 * 1024, limits.maxRecordBytes * 4));
}

function parseJsonDocument(text: string, limits: DecodeLimits): { values: unknown[]; projectId: string | undefined } {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new AppError('invalid_body', `the body is not valid JSON: ${(err as Error).message}`);
  }
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
 * a line while its bytes are fresh, keeping no array of lines or records); a JSON document is
 * necessarily parsed whole, within the inflated limit.
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
): Promise<DecodedBody> {
  if (form === 'json') {
    const chunks: Buffer[] = [];
    const bytes = await readBody(body, encoding, limits, (chunk) => chunks.push(chunk), onRaw);
    const text = Buffer.concat(chunks, bytes.inflated).toString('utf8');
    if (text.trim() === '') throw new AppError('invalid_body', 'the body is empty');
    return { kind: 'values', ...parseJsonDocument(text, limits), bytes };
  }
  const splitter = new LineSplitter(limits.maxBatchRecords, maxLineBytes(limits), onLine);
  const bytes = await readBody(body, encoding, limits, (chunk) => splitter.push(chunk), onRaw);
  splitter.end();
  return { kind: 'lines', bytes };
}
