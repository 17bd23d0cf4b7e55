/**
 * Where a logs page ended: the sort key (record time, batch id, index in the batch) of the last
 * record shown, or of the scan position when a page stopped early. The next page answers only
 * records strictly after it in newest-first order, so pages never repeat or skip a record, even
 * while new batches arrive.
 */
export interface LogCursor {
  time: number;
  batchId: string;
  index: number;
}

/** Stands for "after every record of this batch" (the scan stopped before reading it). */
export const WHOLE_BATCH = Number.MAX_SAFE_INTEGER;

/** Positive when `a` sorts before `b` (newer first: time, then batch id, then index, descending). */
export function compareNewestFirst(a: LogCursor, b: LogCursor): number {
  if (a.time !== b.time) return b.time - a.time;
  if (a.batchId !== b.batchId) return a.batchId < b.batchId ? 1 : -1;
  return b.index - a.index;
}

/** The cursor as an opaque url-safe string. */
export function encodeCursor(cursor: LogCursor): string {
  return Buffer.from(JSON.stringify([cursor.time, cursor.batchId, cursor.index])).toString('base64url');
}

/** The cursor a client sent back, or undefined when it is not one of ours. */
export function decodeCursor(text: string): LogCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 3) return undefined;
    const [time, batchId, index] = value as unknown[];
    if (typeof time !== 'number' || !Number.isFinite(time)) return undefined;
    // Batch ids are printable ASCII; a NUL or other control byte would fail the SQL comparison.
    if (typeof batchId !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(batchId)) return undefined;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) return undefined;
    return { time, batchId, index };
  } catch {
    return undefined;
  }
}
