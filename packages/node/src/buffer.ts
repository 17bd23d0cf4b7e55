import { HIGH_RANK } from './serialize.js';

/** What the buffer does when a record does not fit. */
export type DropPolicy = 'oldest-low-first' | 'oldest' | 'newest';

/**
 * Memory a buffered record costs beyond its characters (the entry object and array slots), so that
 * `maxBufferBytes` bounds the heap, not just the text.
 */
export const ENTRY_OVERHEAD = 64;

const QUEUED = 0;
const TAKEN = 1;
const DROPPED = 2;

interface Entry {
  line: string;
  size: number;
  seq: number;
  high: boolean;
  state: number;
}

/** A FIFO of entries with O(1) amortized shift (an index that moves, compacted now and then). */
class Fifo {
  items: Entry[] = [];
  head = 0;
  push(e: Entry): void {
    this.items.push(e);
  }
  /** Drops entries at the head that are no longer queued, and compacts when the dead prefix is large. */
  trim(): void {
    const items = this.items;
    while (this.head < items.length && items[this.head]!.state !== QUEUED) this.head++;
    if (this.head > 1024 && this.head * 2 > items.length) {
      this.items = items.slice(this.head);
      this.head = 0;
    }
  }
  peek(): Entry | undefined {
    this.trim();
    return this.items[this.head];
  }
  get length(): number {
    return this.items.length - this.head;
  }
}

/** Why {@link RecordBuffer.push} refused or evicted, for the drop counters. */
export interface PushResult {
  /** Records dropped to make room (or the pushed record itself), 0 when all fit. */
  dropped: number;
}

/**
 * The bounded buffer between `log()` and the sender: bounded by records and by bytes, ordered, and when
 * full it drops by policy (default: oldest first, and trace/debug/info before warn/error/fatal).
 *
 * @example
 * const buf = new RecordBuffer({ maxRecords: 2, maxBytes: 1 << 20, policy: 'oldest-low-first' });
 * buf.push('{"level":"info"}', 30);
 */
export class RecordBuffer {
  private readonly all = new Fifo();
  private readonly low = new Fifo();
  private readonly high = new Fifo();
  private live = 0;
  private liveBytes = 0;
  private liveRaw = 0;
  private dead = 0;
  private nextSeq = 0;
  /** Bytes held outside the queue (batches in flight) that still count against `maxBytes`. */
  reserved = 0;

  constructor(private readonly limits: { maxRecords: number; maxBytes: number; policy: DropPolicy }) {}

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
    return this.all.peek()?.seq ?? Number.POSITIVE_INFINITY;
  }

  /** Adds a line; may evict older records, or refuse this one under the `newest` policy. */
  push(line: string, rank: number): PushResult {
    const size = line.length + ENTRY_OVERHEAD;
    const { maxRecords, maxBytes, policy } = this.limits;
    let dropped = 0;
    if (size + this.reserved > maxBytes) return { dropped: 1 };
    while (this.live >= maxRecords || this.liveBytes + this.reserved + size > maxBytes) {
      if (policy === 'newest' || this.live === 0) return { dropped: dropped + 1 };
      this.evict();
      dropped++;
    }
    const e: Entry = { line, size, seq: this.nextSeq++, high: rank >= HIGH_RANK, state: QUEUED };
    this.all.push(e);
    if (policy === 'oldest-low-first') (e.high ? this.high : this.low).push(e);
    this.live++;
    this.liveBytes += size;
    this.liveRaw += line.length + 1;
    return { dropped };
  }

  private evict(): void {
    let victim: Entry | undefined;
    if (this.limits.policy === 'oldest-low-first') victim = this.low.peek() ?? this.high.peek();
    victim ??= this.all.peek();
    if (!victim) return;
    victim.state = DROPPED;
    this.liveRaw -= victim.line.length + 1;
    victim.line = '';
    this.live--;
    this.liveBytes -= victim.size;
    this.dead++;
    // Tombstones in the middle of `all` are removed in bulk once they outnumber the live records.
    if (this.dead > 1024 && this.dead > this.live) {
      this.all.items = this.all.items.slice(this.all.head).filter((x) => x.state === QUEUED);
      this.all.head = 0;
      this.dead = 0;
    }
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
    const first = this.all.peek();
    if (!first) return undefined;
    const full = this.live >= maxRecords || this.liveRaw >= maxBytes;
    if (!full && first.seq > forceSeq) return undefined;
    const lines: string[] = [];
    let bytes = 0;
    let held = 0;
    const all = this.all;
    while (lines.length < maxRecords) {
      const e = all.peek();
      if (!e) break;
      const raw = e.line.length + 1;
      if (lines.length > 0 && bytes + raw > maxBytes) break;
      lines.push(e.line);
      bytes += raw;
      held += e.size;
      e.state = TAKEN;
      e.line = '';
      this.liveRaw -= raw;
      this.live--;
      this.liveBytes -= e.size;
      all.head++;
    }
    this.low.trim();
    this.high.trim();
    this.reserved += held;
    return { lines, rawBytes: bytes, held };
  }

  /** Gives back the budget of records taken by {@link take} once their batch has settled. */
  release(held: number): void {
    this.reserved = Math.max(0, this.reserved - held);
  }
}
