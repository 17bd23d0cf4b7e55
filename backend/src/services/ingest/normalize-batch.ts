import { type IngestError, LIMITS, type LogRecord, normalizeLine, normalizeRecord } from '@cloudsage/schema';
import type { DecodedBody } from './decode-body.js';

/** A batch after normalizing: the stored records and what was rejected. */
export interface NormalizedBatch {
  records: LogRecord[];
  /** Every rejection counted; only the first `LIMITS.maxReportedErrors` are listed. */
  rejected: number;
  errors: IngestError[];
  truncated: number;
}

/**
 * Normalizes every decoded item with the shared normalizer (which never throws). A line that
 * holds a JSON object is read as one, any other line as text; JSON values are read as records.
 * `index` is the item's 0-based position in the body (blank lines are not items).
 *
 * @example
 * const batch = normalizeBatch(decoded, receivedAt, config.limits.maxRecordBytes);
 */
export function normalizeBatch(decoded: DecodedBody, receivedAt: number, maxRecordBytes: number): NormalizedBatch {
  const items = decoded.kind === 'lines' ? decoded.lines : decoded.values;
  const records: LogRecord[] = [];
  const errors: IngestError[] = [];
  let rejected = 0;
  let truncated = 0;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    const result =
      decoded.kind === 'lines'
        ? normalizeLine(item as string, receivedAt, maxRecordBytes)
        : normalizeRecord(item, receivedAt, maxRecordBytes);
    if (result.ok) {
      records.push(result.record);
      if (result.truncated) truncated++;
    } else {
      rejected++;
      if (errors.length < LIMITS.maxReportedErrors) errors.push({ index, message: result.reason });
    }
  }
  return { records, rejected, errors, truncated };
}
