/**
 * Reads a fault-lab recording (worker/eval/lab/README.md, "Recording format"): `records.ndjson.gz`,
 * one `{at, record}` per line in arrival order, grouped back into the batches the shippers sent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';

/** One batch as a shipper sent it: every record of it arrived at `at` (ms since the epoch). */
export interface RecordedBatch {
  at: number;
  /** Records as sent: JSON values, or a string for an NDJSON line that was not JSON. */
  records: unknown[];
}

/** A recording's batches in arrival order, and how many records they hold. */
export interface Recording {
  name: string;
  batches: RecordedBatch[];
  records: number;
}

/**
 * Loads `<dir>/records.ndjson.gz`. Consecutive lines with the same `at` are one batch (the recorder
 * stamps a batch's records alike); a line that is not `{at, record}` is an error, not skipped, so a
 * broken recording cannot quietly shrink the evaluation.
 */
export function loadRecording(dir: string, name: string): Recording {
  // A recorder stopped without closing its gzip stream leaves a truncated file: read what is there
  // (the caller decides whether a truncated recording is used) and drop a torn last line.
  let text = gunzipSync(readFileSync(join(dir, 'records.ndjson.gz')), {
    finishFlush: constants.Z_SYNC_FLUSH,
  }).toString('utf8');
  if (!text.endsWith('\n')) text = text.slice(0, text.lastIndexOf('\n') + 1);
  const batches: RecordedBatch[] = [];
  let records = 0;
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as { at?: unknown; record?: unknown };
    if (typeof entry.at !== 'number' || !('record' in entry)) {
      throw new Error(`${name}: line ${lineNo} is not {"at": ms, "record": ...}`);
    }
    const last = batches[batches.length - 1];
    if (last && last.at === entry.at) last.records.push(entry.record);
    else batches.push({ at: entry.at, records: [entry.record] });
    records++;
  }
  // Arrival order is the recorder's; a clock step back would make ingest time run backwards.
  for (let i = 1; i < batches.length; i++) {
    if (batches[i]!.at < batches[i - 1]!.at) batches[i]!.at = batches[i - 1]!.at;
  }
  return { name, batches, records };
}

/**
 * Joins consecutive batches into requests of at most `maxRecords` records that stay inside one
 * scoring window and span at most `maxSpanMs`: fewer requests, the same window for every record.
 * A request is sent at its last batch's `at`.
 */
export function coalesce(
  batches: readonly RecordedBatch[],
  windowMs: number,
  maxSpanMs: number,
  maxRecords: number,
): RecordedBatch[] {
  const out: RecordedBatch[] = [];
  let first = 0;
  for (const b of batches) {
    const cur = out[out.length - 1];
    if (
      cur &&
      Math.floor(b.at / windowMs) === Math.floor(cur.at / windowMs) &&
      b.at - first <= maxSpanMs &&
      cur.records.length + b.records.length <= maxRecords
    ) {
      cur.at = b.at;
      cur.records.push(...b.records);
    } else {
      out.push({ at: b.at, records: [...b.records] });
      first = b.at;
    }
  }
  return out;
}

/** A batch's NDJSON body: objects as JSON, strings (lines that were not JSON) as they were. */
export function ndjsonBody(records: readonly unknown[]): string {
  let body = '';
  for (const r of records) body += `${typeof r === 'string' ? r.replace(/\n/g, ' ') : JSON.stringify(r)}\n`;
  return body;
}
