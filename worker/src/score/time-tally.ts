/**
 * The records' own times, tallied in the scoring pass: how many are stamped far before the window (a
 * backfill), and the span of the rest (a paste or one upload arrives as a burst within a second or two).
 *
 * Records carry ISO-8601 strings; those in UTC (`...Z`, what the normalizer writes) are compared as
 * strings, which orders them like their instants, so a record costs no date parsing. Others are parsed.
 */
export class TimeTally {
  readonly #cutoff: string;
  readonly #cutoffMs: number;
  /** Records (weighted) stamped before the cutoff. */
  backfill = 0;
  #min = '';
  #max = '';
  #minMs = Number.POSITIVE_INFINITY;
  #maxMs = Number.NEGATIVE_INFINITY;

  /** @param cutoffMs records stamped before this instant are a backfill */
  constructor(cutoffMs: number) {
    this.#cutoffMs = cutoffMs;
    this.#cutoff = new Date(cutoffMs).toISOString();
  }

  /** Tallies one record's time. */
  add(time: string, weight: number): void {
    if (time.charCodeAt(time.length - 1) === 90 && time.length >= 20) {
      // Same-second strings of different precision compare within that second: close enough here.
      if (time < this.#cutoff) {
        this.backfill += weight;
        return;
      }
      if (this.#min === '' || time < this.#min) this.#min = time;
      if (time > this.#max) this.#max = time;
      return;
    }
    const ms = Date.parse(time);
    if (!Number.isFinite(ms)) return;
    if (ms < this.#cutoffMs) {
      this.backfill += weight;
      return;
    }
    if (ms < this.#minMs) this.#minMs = ms;
    if (ms > this.#maxMs) this.#maxMs = ms;
  }

  /** The earliest live record's instant in ms since the epoch (NaN with none). */
  firstMs(): number {
    const lo = this.#min === '' ? this.#minMs : Math.min(this.#minMs, Date.parse(this.#min));
    return Number.isFinite(lo) ? lo : Number.NaN;
  }

  /** Milliseconds from the earliest to the latest live record (0 with fewer than two). */
  spanMs(): number {
    const lo = this.firstMs();
    const hi = this.#max === '' ? this.#maxMs : Math.max(this.#maxMs, Date.parse(this.#max));
    return hi > lo ? hi - lo : 0;
  }
}
