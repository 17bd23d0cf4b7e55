import { randomUUID } from 'node:crypto';
import type { Batch, Sender, SendResult } from '@cloudsage/node';
import type { PendingBatch, PendingRange } from '../checkpoint.js';

/** Where records come from: a file (by identity, one generation per truncation) or standard input. */
export interface Source {
  id: string;
  path: string;
  gen: number;
}

/** A batch the client formed, with the byte ranges its records were read from. */
export interface PlacedBatch extends PendingBatch {
  /** When its oldest record was read (for the lag figure). */
  firstReadAt: number;
}

/** What the tracker tells its owner. */
export interface AckHooks {
  /** A batch is about to be sent for the first time: write it down (with its key) first. */
  journal(batch: PlacedBatch): void;
  /** Batches settled in order: the backend has everything up to their ranges' ends. */
  settled(batches: PlacedBatch[]): void;
}

interface BatchState {
  placed: PlacedBatch;
  remaining: number;
  failed: number;
  done: boolean;
}

const GROW = 4096;

/**
 * Sits between the client and the real sender and turns "batch sent" into "bytes acknowledged".
 *
 * The client takes records from its buffer in order and names each batch with `newId()`, which the
 * tracker numbers; the first time a batch reaches `send`, its size says which records it holds (the
 * records noted since the previous batch). Its ranges are journaled before the request goes out, and
 * only when it and every earlier batch are acknowledged do the checkpoint offsets move: a crash can
 * repeat at most the batches in flight, under their journaled keys.
 *
 * This holds because the file path never drops records (it waits instead); with `positions: false`
 * (standard input, which may drop by policy) only counts are kept.
 *
 * @example
 * const tracker = new AckTracker(sender, hooks, true);
 * const client = new CloudSage({ sender: tracker.sender, idGenerator: tracker.newId, ... });
 */
export class AckTracker {
  readonly sender: Sender;
  private readonly runId = randomUUID().slice(0, 8);
  private nextId = 0;
  // Records noted but not yet in a placed batch, as parallel arrays from `head`.
  private src: Int32Array = new Int32Array(GROW);
  private ends: Float64Array = new Float64Array(GROW);
  private at: Float64Array = new Float64Array(GROW);
  private head = 0;
  private tail = 0;
  private readonly sources: Source[] = [];
  private readonly lastEnd: number[] = [];
  private readonly sizes = new Map<number, number>();
  private readonly waiting = new Map<number, () => void>();
  private readonly batches = new Map<number, BatchState>();
  private nextToPlace = 0;
  private ackFront = 0;
  private closing = false;
  /** Records acknowledged by the backend. */
  acked = 0;
  /** Records given up (rejected by the backend, or out of retry budget). */
  failed = 0;

  constructor(
    private readonly inner: Sender,
    private readonly hooks: AckHooks,
    private readonly positions: boolean,
  ) {
    this.sender = {
      send: (batch, options) => this.send(batch, options),
      close: async () => {
        await this.inner.close?.();
      },
    };
  }

  /** Batch ids for the client: `<run>-<n>`; halves of a split batch get `.0`/`.1` appended by the client. */
  readonly newId = (): string => `${this.runId}-${this.nextId++}`;

  /** Registers a source whose next record starts at `startOffset`; returns its index for `note`. */
  addSource(source: Source, startOffset: number): number {
    this.sources.push(source);
    this.lastEnd.push(startOffset);
    return this.sources.length - 1;
  }

  /** Notes one record handed to the client, in the same order. */
  note(source: number, endOffset: number, readAt: number): void {
    if (!this.positions) return;
    if (this.tail === this.src.length) this.grow();
    this.src[this.tail] = source;
    this.ends[this.tail] = endOffset;
    this.at[this.tail] = readAt;
    this.tail++;
  }

  /** From now on, failures are the shutdown's aborts, not the backend's answers: nothing more settles. */
  close(): void {
    this.closing = true;
  }

  /** The client gave a batch up (retry budget spent): it settles as failed so later batches can move on. */
  gaveUp(key: string): void {
    const n = this.parse(key);
    const st = n === undefined ? undefined : this.batches.get(n);
    if (!st || st.done || this.closing) return;
    st.failed += st.remaining;
    st.remaining = 0;
    st.done = true;
    this.advance();
  }

  /** Read time of the oldest record not yet acknowledged, or undefined when all are. */
  oldestUnacked(): number | undefined {
    const st = this.batches.get(this.ackFront);
    if (st) return st.placed.firstReadAt;
    return this.tail > this.head ? this.at[this.head] : undefined;
  }

  private grow(): void {
    const live = this.tail - this.head;
    const size = Math.max(GROW, live * 2);
    const src = new Int32Array(size);
    const ends = new Float64Array(size);
    const at = new Float64Array(size);
    src.set(this.src.subarray(this.head, this.tail));
    ends.set(this.ends.subarray(this.head, this.tail));
    at.set(this.at.subarray(this.head, this.tail));
    this.src = src;
    this.ends = ends;
    this.at = at;
    this.head = 0;
    this.tail = live;
  }

  private parse(key: string): number | undefined {
    if (!key.startsWith(this.runId) || key.charCodeAt(this.runId.length) !== 45 /* - */) return undefined;
    const n = Number.parseInt(key.slice(this.runId.length + 1), 10);
    return Number.isFinite(n) ? n : undefined;
  }

  private async send(batch: Batch, options: { signal: AbortSignal }): Promise<SendResult> {
    const n = this.parse(batch.idempotencyKey);
    // A batch of an earlier run (re-sent from the client's spool) passes straight through.
    if (n === undefined) return this.inner.send(batch, options);
    // Settled already (the spool re-sending a batch of this run that it had given up on).
    if (n < this.nextToPlace && !this.batches.has(n)) return this.inner.send(batch, options);
    if (!this.batches.has(n)) {
      if (!this.sizes.has(n)) this.sizes.set(n, batch.lines.length);
      this.place();
      // An earlier batch has not reached `send` yet, so this one's records are not known: wait for it.
      if (!this.batches.has(n)) await new Promise<void>((resolve) => this.waiting.set(n, resolve));
    }
    const result = await this.inner.send(batch, options);
    const st = this.batches.get(n);
    if (!st || st.done) return result;
    if (result.kind === 'sent') {
      st.remaining -= batch.lines.length;
    } else if (result.kind === 'failed' && result.status !== undefined && !this.closing) {
      // The backend refused it for good (400, 401, ...): retrying cannot help, so it settles as failed.
      st.remaining -= batch.lines.length;
      st.failed += batch.lines.length;
    }
    if (st.remaining <= 0) {
      st.done = true;
      this.advance();
    }
    return result;
  }

  /** Assigns records to every batch whose predecessors are placed, and journals each. */
  private place(): void {
    for (;;) {
      const n = this.nextToPlace;
      const size = this.sizes.get(n);
      if (size === undefined) return;
      this.sizes.delete(n);
      const ranges: PendingRange[] = [];
      let firstReadAt = Date.now();
      if (this.positions) {
        const stop = Math.min(this.head + size, this.tail);
        const bySource = new Map<number, PendingRange>();
        if (stop > this.head) firstReadAt = this.at[this.head]!;
        for (let i = this.head; i < stop; i++) {
          const s = this.src[i]!;
          let r = bySource.get(s);
          if (!r) {
            const source = this.sources[s]!;
            r = { id: source.id, path: source.path, gen: source.gen, start: this.lastEnd[s]!, end: 0 };
            bySource.set(s, r);
            ranges.push(r);
          }
          r.end = this.ends[i]!;
          this.lastEnd[s] = r.end;
        }
        this.head = stop;
      }
      const placed: PlacedBatch = { key: `${this.runId}-${n}`, records: size, ranges, firstReadAt };
      this.hooks.journal(placed);
      this.batches.set(n, { placed, remaining: size, failed: 0, done: false });
      this.nextToPlace++;
      const wake = this.waiting.get(n);
      if (wake) {
        this.waiting.delete(n);
        wake();
      }
    }
  }

  private advance(): void {
    const settled: PlacedBatch[] = [];
    for (;;) {
      const st = this.batches.get(this.ackFront);
      if (!st?.done) break;
      this.batches.delete(this.ackFront);
      this.acked += st.placed.records - st.failed;
      this.failed += st.failed;
      settled.push(st.placed);
      this.ackFront++;
    }
    if (settled.length > 0) this.hooks.settled(settled);
  }
}
