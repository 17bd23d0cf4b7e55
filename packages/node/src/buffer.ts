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

/**
 * The bounded buffer between `log()` and the sender: bounded by records and by bytes, ordered, and when
 * full it drops by policy (default: oldest first, and trace/debug/info before warn/error/fatal).
 *
 * Records live in parallel arrays (line, sequence number, high level) rather than an object each, so a
 * burst of a few hundred thousand records allocates nothing per record but its line. An evicted record
 * leaves a tombstone (`undefined` line) that `take` skips; tombstones are removed in bulk once they
 * outnumber the live records.
 *
 * @example
 * const buf = new RecordBuffer({ maxRecords: 2, maxBytes: 1 << 20, policy: 'oldest-low-first' });
 * buf.push('{"level":"info"}', 30);
 */
export class RecordBuffer {
  private lines: (string | undefined)[] = [];
  private seqs: number[] = [];
  private highs: boolean[] = [];
  // The first slot not yet taken; the slots before it are dropped now and then.
  private head = 0;
  // Where the searches for the oldest queued low / high record resume: every slot from `head` up to
  // them is a tombstone or of the other kind (records are only ever appended behind them).
  private lowAt = 0;
  private highAt = 0;
  private live = 0;
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
    this.lines.push(line);
    this.seqs.push(this.nextSeq++);
    this.highs.push(rank >= HIGH_RANK);
    this.live++;
    this.liveBytes += size;
    this.liveRaw += line.length + 1;
    return dropped === 0 ? ALL_FIT : { dropped };
  }

  /**
   * Takes up to `maxRecords` records / `maxBytes` raw bytes from the head, in order. A partial batch is
   * taken only when its first record's sequence number is at most `forceSeq` (a flush or the timer).
   */
  take(
    maxRecords: number,
    maxBytes: number,
    forceSeq: number,
  ): { lines: string[]; rawBytes: number; held: number } | undefined {
    this.skipTombstones();
    const all = this.lines;
    if (this.head >= all.length) return undefined;
    const full = this.live >= maxRecords || this.liveRaw >= maxBytes;
    if (!full && this.seqs[this.head]! > forceSeq) return undefined;
    const out: string[] = [];
    let raw = 0;
    let i = this.head;
    for (; i < all.length && out.length < maxRecords; i++) {
      const line = all[i];
      if (line === undefined) {
        this.dead--;
        continue;
      }
      if (out.length > 0 && raw + line.length + 1 > maxBytes) break;
      out.push(line);
      raw += line.length + 1;
      all[i] = undefined;
    }
    this.head = i;
    const held = raw + out.length * (ENTRY_OVERHEAD - 1);
    this.live -= out.length;
    this.liveRaw -= raw;
    this.liveBytes -= held;
    this.reserved += held;
    this.compact();
    return { lines: out, rawBytes: raw, held };
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
    const line = this.lines[at];
    if (line === undefined) return false;
    this.lines[at] = undefined;
    this.live--;
    this.liveBytes -= line.length + ENTRY_OVERHEAD;
    this.liveRaw -= line.length + 1;
    this.dead++;
    if (this.dead > COMPACT_AT && this.dead > this.live) this.dropTombstones();
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
    this.seqs = this.seqs.slice(h);
    this.highs = this.highs.slice(h);
    this.head = 0;
    this.lowAt = Math.max(0, this.lowAt - h);
    this.highAt = Math.max(0, this.highAt - h);
  }

  /** Removes every tombstone (and the taken front), keeping the queued records in order. */
  private dropTombstones(): void {
    const lines: string[] = [];
    const seqs: number[] = [];
    const highs: boolean[] = [];
    for (let i = this.head; i < this.lines.length; i++) {
      const line = this.lines[i];
      if (line === undefined) continue;
      lines.push(line);
      seqs.push(this.seqs[i]!);
      highs.push(this.highs[i]!);
    }
    this.lines = lines;
    this.seqs = seqs;
    this.highs = highs;
    this.head = 0;
    this.lowAt = 0;
    this.highAt = 0;
    this.dead = 0;
  }
}
