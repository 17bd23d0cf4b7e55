import type { DropCounts } from '@cloudsage/schema';
import { splitRuns } from './buffer.js';

/**
 * Turns a batch's lines into its gzip NDJSON body, at `level` where the runtime can choose one:
 * `node:zlib` on Node (off the main thread), `CompressionStream` on Workers, Edge and Deno.
 */
export type BodyEncoder = (lines: readonly string[], level?: number) => Promise<Uint8Array>;

// The encoder each batch was made with, so that its halves after a 413 encode the same way.
const encoders = new WeakMap<Batch, BodyEncoder>();
// Records of batches made from runs of lines (entries that hold several records each).
const recordCounts = new WeakMap<Batch, number>();

/**
 * One batch of serialized records on its way to the backend. Its `idempotencyKey` stays the same on
 * every retry; halves of a split batch get derived keys.
 *
 * @example
 * const batch = createBatch('3f0c...', ['{"msg":"a"}'], 12, emptyDropCounts());
 * const body = await batch.body(); // gzip NDJSON, computed once
 */
export interface Batch {
  readonly idempotencyKey: string;
  /** The NDJSON lines, in the order they were logged. */
  readonly lines: readonly string[];
  /** Raw (uncompressed) bytes of the body. */
  readonly rawBytes: number;
  /** Drops since the previous batch, sent as `X-CloudSage-Dropped`. */
  readonly dropped: DropCounts;
  /**
   * The gzip NDJSON body, at zlib's default level unless the sender asks for another (the agent
   * sends at 1): compressed on first call and kept for retries at the same level.
   */
  body(level?: number): Promise<Uint8Array>;
}

/**
 * Creates a {@link Batch} whose body `encode` makes (each entry point exports `createBatch` with its
 * runtime's encoder).
 *
 * @example
 * newBatch(crypto.randomUUID(), lines, rawBytes, emptyDropCounts(), gzipLines);
 */
export function newBatch(
  idempotencyKey: string,
  lines: readonly string[],
  rawBytes: number,
  dropped: DropCounts,
  encode: BodyEncoder,
  records = lines.length,
): Batch {
  let body: Promise<Uint8Array> | undefined;
  let bodyLevel: number | undefined;
  // `lines` may hold runs of records joined by `\n` (the buffer's entries): the body is encoded from
  // them as they are, and they are split into one line per record only if someone reads `lines`.
  let split: readonly string[] | undefined = records === lines.length ? lines : undefined;
  const batch: Batch = {
    idempotencyKey,
    get lines() {
      split ??= splitRuns(lines);
      return split;
    },
    rawBytes,
    dropped,
    body(level) {
      if (!body || level !== bodyLevel) {
        body = encode(lines, level);
        bodyLevel = level;
      }
      return body;
    },
  };
  encoders.set(batch, encode);
  if (records !== lines.length) recordCounts.set(batch, records);
  return batch;
}

/**
 * The records a batch holds, without splitting its runs into lines (`batch.lines.length` would).
 *
 * @example
 * batchRecords(batch); // 5000
 */
export function batchRecords(batch: Batch): number {
  return recordCounts.get(batch) ?? batch.lines.length;
}

/**
 * Splits a batch in halves (after a 413). The first half carries the drop counts; keys are derived so a
 * re-sent half is still recognised as the same data.
 *
 * @example
 * const [a, b] = splitBatch(batch);
 */
export function splitBatch(batch: Batch): [Batch, Batch] {
  const encode = encoders.get(batch);
  if (!encode) throw new TypeError('splitBatch takes a batch made by createBatch');
  const mid = Math.ceil(batch.lines.length / 2);
  const left = batch.lines.slice(0, mid);
  const right = batch.lines.slice(mid);
  const size = (ls: readonly string[]) => ls.reduce((n, l) => n + l.length + 1, 0);
  const none = { overflow: 0, oversize: 0, before_send: 0 };
  return [
    newBatch(`${batch.idempotencyKey}.0`, left, size(left), batch.dropped, encode),
    newBatch(`${batch.idempotencyKey}.1`, right, size(right), none, encode),
  ];
}
