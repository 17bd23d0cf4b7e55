import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { constants, gzip, gzipSync } from 'node:zlib';
import type { LogRecord, StoredLine } from '@cloudsage/schema';
import { TextFilterBuilder } from '../logs/text-filter.js';
import { BatchSummary } from './batch-summary.js';
import type { WholeGzip } from './read-body.js';

const gzipAsync = promisify(gzip);

// Level 1 compresses log text to about a fifth at several times the speed of the default level 6;
// objects are written on every batch but read rarely, so speed wins.
const GZIP_OPTIONS = { level: constants.Z_BEST_SPEED };

/**
 * One record as a JSON line. Plain JSON.stringify: the normalizer builds every record with the
 * same property order, so V8's fast path serializes it straight into a flat string, cheaper than
 * writing the fixed fields by hand (which built rope strings that the join then had to flatten).
 */
export function serializeLogRecord(record: LogRecord): string {
  return JSON.stringify(record);
}

// A batch of the usual size fits the first buffer; a larger one doubles it as needed.
const FIRST_BUFFER_BYTES = 256 * 1024;

/** A batch ready for the bucket: its gzip NDJSON bytes and the figures gathered on the way. */
export interface BatchObject {
  body: Buffer;
  summary: BatchSummary;
}

/**
 * Builds a batch object record by record: each record is serialized into one growing buffer as
 * it is added, its figures gathered in the same step, so only bytes are held, never the records.
 * `finish` gzips it: in zlib's thread pool by default (off the main thread), or synchronously
 * with `sync` on an ingest worker thread, which is itself the parallelism and should not queue
 * behind file system calls in the shared pool.
 *
 * @example
 * const writer = new BatchWriter();
 * writer.add(record);
 * const { body, summary } = await writer.finish();
 */
export class BatchWriter {
  readonly summary = new BatchSummary();
  readonly #words = new TextFilterBuilder();
  #text = Buffer.allocUnsafe(FIRST_BUFFER_BYTES);
  #used = 0;

  /** Appends one record as a JSON line; answers why a figure was left out of the metrics, if one was. */
  add(record: LogRecord): string | undefined {
    const line = serializeLogRecord(record);
    this.#append(line);
    // String length stands in for bytes: exact for ASCII, and only used for figures.
    return this.summary.add(record, line.length + 1);
  }

  /**
   * Appends a line `checkStoredLine` vouched for: it is already what `add` would write for its record,
   * so it is kept as it came; its figures come from what the checker read.
   */
  addStored(line: string, stored: StoredLine): string | undefined {
    this.#append(line);
    // The summary reads only the time, the level and the attributes' numbers.
    const record = { time: stored.time, level: stored.level, msg: '', attributes: stored.numbers };
    return this.summary.add(record as LogRecord, line.length + 1);
  }

  #append(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit, plus the newline.
    const room = line.length * 3 + 1;
    if (this.#used + room > this.#text.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.#text.length * 2, this.#used + room));
      this.#text.copy(bigger, 0, 0, this.#used);
      this.#text = bigger;
    }
    this.#used += this.#text.write(line, this.#used, 'utf8');
    this.#text[this.#used++] = 10;
    this.#words.add(line);
  }

  /**
   * The gzip NDJSON object of the records added so far. When `received` (the body as sent) inflates
   * to exactly these bytes, it is that object already and is kept instead of compressing again:
   * readers inflate it to the same text (gzip members in sequence are one stream, RFC 1952 2.2).
   */
  async finish(sync = false, received?: WholeGzip): Promise<BatchObject> {
    const text = this.#text.subarray(0, this.#used);
    this.summary.textFilter = this.#words.finish();
    let body: Buffer;
    if (received?.inflated.equals(text)) {
      // A copy that owns its memory: the sent bytes may sit in a larger buffer, and the object
      // crosses to the main thread by transfer.
      const copy = new Uint8Array(received.raw.length);
      copy.set(received.raw);
      body = Buffer.from(copy.buffer, 0, copy.length);
    } else body = sync ? gzipSync(text, GZIP_OPTIONS) : await gzipAsync(text, GZIP_OPTIONS);
    return { body, summary: this.summary };
  }
}

/**
 * A new batch id: time-ordered (ms in base 36, then 64 random bits), so keys list in ingest order.
 *
 * @example
 * newBatchId(); // 'b_mbx3k2f1_9f86d081884c7d65'
 */
export function newBatchId(now: number): string {
  return `b_${now.toString(36).padStart(9, '0')}_${randomBytes(8).toString('hex')}`;
}

/**
 * The bucket key of a batch: `logs/{projectId}/{yyyy-mm-dd}/{hh}/{batchId}.ndjson.gz`, dated by
 * ingest time (UTC), the time scoring windows are aligned to.
 *
 * @example
 * batchObjectKey('p1', 'b_1', Date.UTC(2026, 0, 2, 3)); // 'logs/p1/2026-01-02/03/b_1.ndjson.gz'
 */
export function batchObjectKey(projectId: string, batchId: string, receivedAt: number): string {
  const iso = new Date(receivedAt).toISOString();
  return `logs/${projectId}/${iso.slice(0, 10)}/${iso.slice(11, 13)}/${batchId}.ndjson.gz`;
}
