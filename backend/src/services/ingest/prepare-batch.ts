import type { Readable } from 'node:stream';
import type { IngestError } from '@cloudsage/schema';
import { BatchWriter } from './batch-object.js';
import type { SummaryData } from './batch-summary.js';
import type { BodyEncoding, BodyForm } from './body-form.js';
import { type DecodeLimits, decodeBody } from './decode-body.js';
import { BatchNormalizer } from './normalize-batch.js';
import type { BodyBytes, WholeGzip } from './read-body.js';

/** What preparing a body needs besides the body: its form, encoding, limits and receive time. */
export interface PrepareJob {
  form: BodyForm;
  encoding: BodyEncoding;
  limits: DecodeLimits;
  receivedAt: number;
}

/**
 * A body decoded, normalized and serialized into its bucket object: everything the durable
 * part of ingest needs, and nothing that depends on the project (so it can run before the
 * project of an envelope is settled, and in a worker thread).
 */
export interface PreparedBatch {
  /** The project an envelope named, if any. */
  envelopeProjectId: string | undefined;
  bytes: BodyBytes;
  accepted: number;
  rejected: number;
  /** The first rejections, with their index in the body. */
  errors: IngestError[];
  /** The gzip NDJSON object, or undefined when no record was accepted. */
  object: Uint8Array | undefined;
  summary: SummaryData | undefined;
}

/**
 * Stream-decodes a body within the limits, normalizes every record and builds the batch object:
 * the CPU-heavy half of ingest, run by the ingest pool's worker threads (or inline). `onRaw`
 * hears how many body bytes were taken so far; `onWorkerThread` gzips synchronously.
 *
 * @example
 * const prepared = await prepareBatch(request.raw, { form: 'ndjson', encoding: 'gzip', limits, receivedAt });
 */
export async function prepareBatch(
  body: Readable,
  job: PrepareJob,
  onRaw?: (rawBytes: number) => void,
  onWorkerThread = false,
): Promise<PreparedBatch> {
  const writer = new BatchWriter();
  const normalizer = new BatchNormalizer(
    job.receivedAt,
    job.limits.maxRecordBytes,
    (record) => writer.add(record),
    (line, stored) => writer.addStored(line, stored),
  );
  let whole: WholeGzip | undefined;
  // Lines are normalized and serialized as they are split, so a line's parsed object and its
  // record die young instead of living, with every other record, until the body ends.
  const decoded = await decodeBody(
    body,
    job.form,
    job.encoding,
    job.limits,
    (line) => normalizer.line(line),
    onRaw,
    (w) => {
      whole = w;
    },
  );
  if (decoded.kind === 'values') for (const value of decoded.values) normalizer.value(value);
  // A gzip body whose lines were all stored as they came is kept as sent (the writer compares bytes).
  const built = normalizer.accepted > 0 ? await writer.finish(onWorkerThread, whole) : undefined;
  return {
    envelopeProjectId: decoded.kind === 'values' ? decoded.projectId : undefined,
    bytes: decoded.bytes,
    accepted: normalizer.accepted,
    rejected: normalizer.rejected,
    errors: normalizer.errors,
    object: built?.body,
    summary: built?.summary,
  };
}
