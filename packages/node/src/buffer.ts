import { HIGH_RANK } from './serialize.js';

/** What the buffer does when a record does not fit. */
export type DropPolicy = 'oldest-low-first' | 'oldest' | 'newest';

/**
 * Memory a buffered record costs beyond its characters (the array slots and the queue's share), so
 * that `maxBufferBytes` bounds the heap, not just the text.
 */
export const ENTRY_OVERHEAD = 64;

/** Why {@link RecordBuffer.push} refused or evicted, for the drop counters. */
export interface PushResult {
  /** Records dropped to make room (or the pushed record itself), 0 when all fit. */
  dropped: number;
}

// The usual answer, shared: a push is on the path of every record.
const ALL_FIT: PushResult = Object.freeze({ dropped: 0 });

// Taken slots at the front, and tombstones, are removed in bulk past this many (amortized O(1)).
const COMPACT_AT = 1024;

/** Entries taken by {@link RecordBuffer.takeRuns}: each one record, or a run of records joined by `\n`. */
export interface TakenRuns {
  /** Entries in order; joined by `\n` (plus a final one) they are the NDJSON body. */
  entries: string[];
  /** Records the entries hold. */
  records: number;
  /** Raw NDJSON bytes (characters plus one newline per record). */
  rawBytes: number;
  /** Budget the records hold until {@link RecordBuffer.release}. */
  held: number;
}

/**
 * The bounded buffer between `log()` and the sender: bounded by records and by bytes, ordered, and when
 * full it drops by policy (default: oldest first, and trace/debug/info before warn/error/fatal).
 *
 * Records live in parallel arrays (entry, record count, sequence number, high level) rather than an
 * object each, so a burst of a few hundred thousand records allocates nothing per record but its line.
 * An entry is one record, or a run of records of the same kind (all high or all low) joined by `\n`
 * ({@link pushRun}): pino hands over hundreds of lines at once, and one entry for them costs one slot
 * instead of hundreds. Every bound, count and eviction is still per record: a run takes exactly the
 * room its records would take one by one, an eviction removes one record (the first of its entry),
 * and a batch cut ends inside a run when the limits say so. An evicted last record leaves a tombstone
 * (`undefined` entry) that `take` skips; tombstones are removed in bulk once they outnumber the live
 * entries.
 *
 * @example
 * const buf = new RecordBuffer({ maxRecords: 2, maxBytes: 1 << 20, policy: 'oldest-low-first' });
 * buf.push('{"level":"info"}', 30);
 */
export class RecordBuffer {
  private lines: (string | undefined)[] = [];
  // Records in each entry (1 for a single record).
  private counts: number[] = [];
  // Sequence number of each entry's first record (its others follow in order).
  private seqs: number[] = [];
  private highs: boolean[] = [];
  // The first slot not yet taken; the slots before it are dropped now and then.
  private head = 0;
  // Where the searches for the oldest queued low / high record resume: every slot from `head` up to
  // them is a tombstone or of the other kind (records are only ever appended behind them).
  private lowAt = 0;
  private highAt = 0;
  private live = 0;
  private liveEntries = 0;
  private liveBytes = 0;
  private liveRaw = 0;
  // Tombstones at or after `head`.
  private dead = 0;
  private nextSeq = 0;
  /** Bytes held outside the queue (batches in flight) that still count against `maxBytes`. */
  reserved = 0;

  // What `fits` lets a line fill up to: all but a sixteenth of `maxBytes` (see there).
  private readonly roomBytes: number;

  constructor(private readonly limits: { maxRecords: number; maxBytes: number; policy: DropPolicy }) {
    this.roomBytes = limits.maxBytes - Math.floor(limits.maxBytes / 16);
  }

  /** Records waiting in the queue. */
  get size(): number {
    return this.live;
  }
  /** Bytes of the queued records (text plus overhead). */
  get bytes(): number {
    return this.liveBytes;
  }
  /** Raw NDJSON bytes of the queued records (characters plus newlines), what a batch's size counts. */
  get rawBytes(): number {
    return this.liveRaw;
  }
  /** Sequence number of the last record pushed (for "everything logged before now"). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }
  /** Sequence number of the oldest queued record, or `Infinity`. */
  get firstSeq(): number {
    this.skipTombstones();
    return this.head < this.lines.length ? this.seqs[this.head]! : Number.POSITIVE_INFINITY;
  }

  /**
   * Whether a line of `chars` characters would be queued now without evicting anything, with a
   * sixteenth of `maxBytes` kept free: callers ask before redaction (which may lengthen a line) or
   * before the record is serialized at all (`chars` 0), so the last records in need that margin. A line
   * too long for even an empty buffer counts as fitting: no wait would help, and `push` refuses it.
   */
  fits(chars: number): boolean {
    const size = chars + ENTRY_OVERHEAD;
    if (size > this.roomBytes) return true;
    return this.live < this.limits.maxRecords && this.liveBytes + this.reserved + size <= this.roomBytes;
  }

  /**
   * What {@link fits} lets in from now on: records, and bytes counted as the buffer counts them (each
   * record's characters plus {@link ENTRY_OVERHEAD}). A line fits exactly when one more record and its
   * bytes stay within both (or when it is too long for even an empty buffer, as `fits` says).
   */
  roomLeft(): { records: number; bytes: number } {
    return {
      records: this.limits.maxRecords - this.live,
      bytes: this.roomBytes - this.liveBytes - this.reserved,
    };
  }

  /** Whether a run (see {@link pushRun}) goes in whole, without evicting or refusing anything. */
  fitsWhole(run: string, records: number): boolean {
    const size = run.length - (records - 1) + records * ENTRY_OVERHEAD;
    return (
      this.live + records <= this.limits.maxRecords && this.liveBytes + this.reserved + size <= this.limits.maxBytes
    );
  }

  /**
   * Adds `records` lines joined by `\n` (no newline at the end; each line non-empty), all of one kind
   * (`high`: warn and above). When they all fit they become one entry; otherwise each line is pushed
   * on its own, so evictions, refusals and the dropped count are exactly those of one push per line.
   */
  pushRun(run: string, records: number, high: boolean): PushResult {
    if (records === 1) return this.push(run, high ? HIGH_RANK : 0);
    if (this.fitsWhole(run, records)) {
      this.append(run, records, high, run.length - (records - 1) + records * ENTRY_OVERHEAD);
      this.liveRaw += run.length + 1;
      return ALL_FIT;
    }
    const rank = high ? HIGH_RANK : 0;
    let dropped = 0;
    let at = 0;
    for (;;) {
      const nl = run.indexOf('\n', at);
      dropped += this.push(nl < 0 ? run.slice(at) : run.slice(at, nl), rank).dropped;
      if (nl < 0) break;
      at = nl + 1;
    }
    return dropped === 0 ? ALL_FIT : { dropped };
  }

  /** Adds a line; may evict older records, or refuse this one under the `newest` policy. */
  push(line: string, rank: number): PushResult {
    const size = line.length + ENTRY_OVERHEAD;
    const { maxRecords, maxBytes, policy } = this.limits;
    let dropped = 0;
    if (size + this.reserved > maxBytes) return { dropped: 1 };
    while (this.live >= maxRecords || this.liveBytes + this.reserved + size > maxBytes) {
      if (policy === 'newest' || !this.evict()) return { dropped: dropped + 1 };
      dropped++;
    }
    this.append(line, 1, rank >= HIGH_RANK, size);
    this.liveRaw += line.length + 1;
    return dropped === 0 ? ALL_FIT : { dropped };
  }

  private append(entry: string, records: number, high: boolean, size: number): void {
    this.lines.push(entry);
    this.counts.push(records);
    this.seqs.push(this.nextSeq);
    this.nextSeq += records;
    this.highs.push(high);
    this.live += records;
    this.liveEntries++;
    this.liveBytes += size;
  }

  /**
   * Takes up to `maxRecords` records / `maxBytes` raw bytes from the head, in order, one line each. A
   * partial batch is taken only when its first record's sequence number is at most `forceSeq` (a flush
   * or the timer).
   */
  take(
    maxRecords: number,
    maxBytes: number,
    forceSeq: number,
  ): { lines: string[]; rawBytes: number; held: number } | undefined {
    const taken = this.takeRuns(maxRecords, maxBytes, forceSeq);
    if (!taken) return undefined;
    const lines = taken.records === taken.entries.length ? taken.entries : splitRuns(taken.entries);
    return { lines, rawBytes: taken.rawBytes, held: taken.held };
  }

  /**
   * {@link take} without splitting runs into lines: the same records, as the entries that hold them
   * (a run is cut where the limits fall inside it, and its rest stays queued).
   */
  takeRuns(maxRecords: number, maxBytes: number, forceSeq: number): TakenRuns | undefined {
    this.skipTombstones();
    const all = this.lines;
    if (this.head >= all.length) return undefined;
    const full = this.live >= maxRecords || this.liveRaw >= maxBytes;
    if (!full && this.seqs[this.head]! > forceSeq) return undefined;
    const out: string[] = [];
    let records = 0;
    let raw = 0;
    let i = this.head;
    for (; i < all.length && records < maxRecords; i++) {
      const entry = all[i];
      if (entry === undefined) {
        this.dead--;
        continue;
      }
      const count = this.counts[i]!;
      if (records + count <= maxRecords && raw + entry.length + 1 <= maxBytes) {
        out.push(entry);
        records += count;
        raw += entry.length + 1;
        all[i] = undefined;
        this.liveEntries--;
        continue;
      }
      if (count === 1) {
        // A single record over the bytes left: it leads a batch of its own, else it waits for the next.
        if (records === 0) {
          out.push(entry);
          records = 1;
          raw = entry.length + 1;
          all[i] = undefined;
          this.liveEntries--;
          i++;
        }
        break;
      }
      // The limits fall inside this run: take its first lines, as one line at a time would.
      let cut = 0;
      let n = 0;
      while (n < count && records + n < maxRecords) {
        const nl = n === count - 1 ? entry.length : entry.indexOf('\n', cut);
        // `cut` is what the lines taken from this run so far hold, newlines included.
        if (records + n > 0 && raw + nl + 1 > maxBytes) break;
        n++;
        cut = nl + 1;
      }
      if (n > 0) {
        out.push(entry.slice(0, cut - 1));
        records += n;
        raw += cut;
        all[i] = entry.slice(cut);
        this.counts[i] = count - n;
        this.seqs[i]! += n;
      }
      break;
    }
    this.head = i;
    const held = raw + records * (ENTRY_OVERHEAD - 1);
    this.live -= records;
    this.liveRaw -= raw;
    this.liveBytes -= held;
    this.reserved += held;
    this.compact();
    return { entries: out, records, rawBytes: raw, held };
  }

  /** Gives back the budget of records taken by {@link take} once their batch has settled. */
  release(held: number): void {
    this.reserved = Math.max(0, this.reserved - held);
  }

  /** Drops one queued record by policy, leaving a tombstone; false when none is queued. */
  private evict(): boolean {
    let at: number;
    if (this.limits.policy === 'oldest-low-first') {
      at = this.lowAt = this.scan(this.lowAt, false);
      if (at >= this.lines.length) at = this.highAt = this.scan(this.highAt, true);
    } else {
      this.skipTombstones();
      at = this.head;
    }
    const entry = this.lines[at];
    if (entry === undefined) return false;
    const count = this.counts[at]!;
    // The oldest record of the entry: all of it, or a run's first line (the run keeps the rest).
    const length = count === 1 ? entry.length : entry.indexOf('\n');
    if (count === 1) {
      this.lines[at] = undefined;
      this.liveEntries--;
      this.dead++;
    } else {
      this.lines[at] = entry.slice(length + 1);
      this.counts[at] = count - 1;
      this.seqs[at]!++;
    }
    this.live--;
    this.liveBytes -= length + ENTRY_OVERHEAD;
    this.liveRaw -= length + 1;
    if (this.dead > COMPACT_AT && this.dead > this.liveEntries) this.dropTombstones();
    return true;
  }

  /** The first queued slot of the given kind from `from` on (or the end). */
  private scan(from: number, high: boolean): number {
    const { lines, highs } = this;
    let i = Math.max(from, this.head);
    while (i < lines.length && (lines[i] === undefined || highs[i] !== high)) i++;
    return i;
  }

  private skipTombstones(): void {
    const lines = this.lines;
    while (this.head < lines.length && lines[this.head] === undefined) {
      this.head++;
      this.dead--;
    }
  }

  /** Drops the taken slots at the front once they are many and more than half. */
  private compact(): void {
    const h = this.head;
    if (h <= COMPACT_AT || h * 2 <= this.lines.length) return;
    this.lines = this.lines.slice(h);
    this.counts = this.counts.slice(h);
    this.seqs = this.seqs.slice(h);
    this.highs = this.highs.slice(h);
    this.head = 0;
    this.lowAt = Math.max(0, this.lowAt - h);
    this.highAt = Math.max(0, this.highAt - h);
  }

  /** Removes every tombstone (and the taken front), keeping the queued records in order. */
  private dropTombstones(): void {
    const lines: string[] = [];
    const counts: number[] = [];
    const seqs: number[] = [];
    const highs: boolean[] = [];
    for (let i = this.head; i < this.lines.length; i++) {
      const line = this.lines[i];
      if (line === undefined) continue;
      lines.push(line);
      counts.push(this.counts[i]!);
      seqs.push(this.seqs[i]!);
      highs.push(this.highs[i]!);
    }
    this.lines = lines;
    this.counts = counts;
    this.seqs = seqs;
    this.highs = highs;
    this.head = 0;
    this.lowAt = 0;
    this.highAt = 0;
    this.dead = 0;
  }
}

/**
 * The lines of taken entries, one each (a run's lines split out), in order.
 *
 * @example
 * splitRuns(['{"a":1}\n{"a":2}', '{"a":3}']); // ['{"a":1}', '{"a":2}', '{"a":3}']
 */
export function splitRuns(entries: readonly string[]): string[] {
  const out: string[] = [];
  for (const entry of entries) {
    if (!entry.includes('\n')) out.push(entry);
    else for (const line of entry.split('\n')) out.push(line);
  }
  return out;
}
