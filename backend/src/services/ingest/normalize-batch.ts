import {
  checkStoredLine,
  type IngestError,
  LIMITS,
  type LogRecord,
  normalizeLine,
  normalizeRecord,
  type StoredLine,
} from '@cloudsage/schema';

/**
 * Normalizes a body's items one at a time with the shared normalizer (which never throws) and
 * hands each stored record to `onRecord` at once, so a batch's records need not be held. A line
 * that holds a JSON object is read as one, any other line as text; JSON values are read as
 * records. An item's index is its 0-based position in the body (blank lines are not items). A line
 * that `checkStoredLine` vouches for (already exactly what normalizing it would store) goes to
 * `onStored` as it is, when given, instead of being parsed, rebuilt and serialized again.
 *
 * @example
 * const normalizer = new BatchNormalizer(receivedAt, config.limits.maxRecordBytes, (r) => writer.add(r));
 * normalizer.line('{"level":30,"msg":"hi"}');
 */
export class BatchNormalizer {
  accepted = 0;
  /** Every rejection counted; only the first `LIMITS.maxReportedErrors` are listed. */
  rejected = 0;
  readonly errors: IngestError[] = [];
  truncated = 0;
  #index = 0;

  constructor(
    private readonly receivedAt: number,
    private readonly maxRecordBytes: number,
    /** Stores a record; answers a reason to report for it (a figure left out), if any. */
    private readonly onRecord: (record: LogRecord) => string | undefined,
    /** Stores a line already in the stored shape, as it is; answers like `onRecord`. */
    private readonly onStored?: (line: string, stored: StoredLine) => string | undefined,
  ) {}

  /** Normalizes one line of NDJSON or text. */
  line(line: string): void {
    const stored = this.onStored ? checkStoredLine(line, this.maxRecordBytes) : undefined;
    if (stored && this.onStored) this.#kept(this.onStored(line, stored));
    else this.#settle(normalizeLine(line, this.receivedAt, this.maxRecordBytes));
  }

  /** Normalizes one JSON value (an item of an array or envelope). */
  value(value: unknown): void {
    this.#settle(normalizeRecord(value, this.receivedAt, this.maxRecordBytes));
  }

  #settle(result: ReturnType<typeof normalizeRecord>): void {
    if (result.ok) {
      if (result.truncated) this.truncated++;
      this.#kept(this.onRecord(result.record));
    } else {
      const index = this.#index++;
      this.rejected++;
      if (this.errors.length < LIMITS.maxReportedErrors) this.errors.push({ index, message: result.reason });
    }
  }

  /** Counts a stored record; `note` names what of it was left out, under its index like a rejection. */
  #kept(note: string | undefined): void {
    const index = this.#index++;
    this.accepted++;
    if (note !== undefined && this.errors.length < LIMITS.maxReportedErrors) this.errors.push({ index, message: note });
  }
}
