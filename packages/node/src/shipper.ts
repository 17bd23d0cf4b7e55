import { type DropCounts, type DropReason, emptyDropCounts } from '@cloudsage/schema';
import { type Batch, batchRecords, newBatch } from './batch.js';
import { RecordBuffer } from './buffer.js';
import type { Clock, TimerHandle } from './clock.js';
import { batchFailedError, deliver, heldError } from './deliver.js';
import { CloudSageError, type CloudSageErrorCode } from './errors.js';
import { type FlushResult, SharedRun, withDeadline } from './flush.js';
import type { Notices } from './notices.js';
import type { ResolvedOptions } from './options.js';
import { RoomWaiters } from './room-waiters.js';
import type { Runtime } from './runtime.js';
import type { Sender } from './send.js';
import { HIGH_RANK } from './serialize.js';
import { type ResendResult, resendResult, SpoolReplayer } from './spool/spool-replay.js';
import type { SpoolStore } from './spool/spool-store.js';

/** Longest stop() waits for aborted requests to settle (a custom transport may ignore the abort). */
const STOP_SETTLE_MS = 1000;

/** The client's counters since it was created; see `CloudSage.stats()`. */
export interface ClientStats {
  /** Records the backend accepted. */
  sent: number;
  /** Records dropped before sending, by reason. */
  dropped: DropCounts;
  /** Retries made (attempts after the first). */
  retried: number;
  /** Records given up after sending failed (refused for good, or older than `retry.maxAgeMs`). */
  failed: number;
  /** The same records by cause: the code `onError` got (`batch_expired`, `ingest_unauthorized`, ...). */
  failedBy: Partial<Record<CloudSageErrorCode, number>>;
  /** Records in batches the backend refused for the key or project (401/403/404), kept and re-tried. */
  held: number;
  /** Records buffered or in flight now. */
  buffered: number;
  /** Memory those records hold (text plus per-record overhead), the figure `maxBufferBytes` bounds. */
  bytes: number;
  /** Batches settled (sent or given up). */
  batches: number;
  /** Records written to the on-disk spool (`spoolDir`) instead of being given up. */
  spooled: number;
  /** Records re-sent from the spool and accepted. */
  replayed: number;
}

// A batch on its way: its own abort (a spill cuts it off), and whether it is on disk already.
interface Flight {
  controller: AbortController;
  spooled: boolean;
}

const DROP_CODES: Record<DropReason, CloudSageErrorCode> = {
  overflow: 'buffer_overflow',
  oversize: 'record_oversize',
  before_send: 'before_send_failed',
};

/** What the shipper needs from the client. */
export interface ShipperDeps {
  options: ResolvedOptions;
  sender: Sender;
  clock: Clock;
  random: () => number;
  newId: () => string;
  /** The one path for problems: `onError`, and the coded warning once, then a summary a minute. */
  notices: Notices;
  /** The platform: how a batch's body is encoded, and the spool where there is a file system. */
  runtime: Pick<Runtime, 'encode' | 'openSpool' | 'autoSpoolDir'>;
}

/**
 * Buffer -> batches -> sender: the background half of the client. Batches leave by count, bytes or
 * time; one drain at a time, shared by every `flush()` caller.
 *
 * @example
 * const shipper = new Shipper(deps);
 * shipper.enqueue('{"level":"info","msg":"hi"}', 30);
 * await shipper.flush(5000);
 */
export class Shipper {
  readonly buffer: RecordBuffer;
  // Drop reasons `onError` has heard of since the buffer last had room (then it hears again).
  private readonly dropsHooked = new Set<DropReason>();
  // Batches the backend refused for a setting, and how many records they hold.
  private readonly held = new Map<Batch, number>();
  // flush() calls waiting for the drain, woken when a batch becomes held (the drain may not end for it).
  private readonly heldWaiters = new Set<() => void>();
  private readonly drain = new SharedRun(() => this.drainLoop());
  private readonly flights = new Map<Batch, Flight>();
  private readonly spool: SpoolStore | undefined;
  private readonly replayer: SpoolReplayer | undefined;
  private readonly room: RoomWaiters;
  private pendingDrops = emptyDropCounts();
  private readonly totals = {
    sent: 0,
    failed: 0,
    retried: 0,
    batches: 0,
    spooled: 0,
    replayed: 0,
    dropped: emptyDropCounts(),
    failedBy: {} as Partial<Record<CloudSageErrorCode, number>>,
  };
  private inFlight = 0;
  private forceSeq = -1;
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly deps: ShipperDeps) {
    const o = deps.options;
    this.buffer = new RecordBuffer({
      maxRecords: o.maxBufferRecords,
      maxBytes: o.maxBufferBytes,
      policy: o.dropPolicy,
    });
    this.room = new RoomWaiters(deps.clock, (chars) => this.buffer.fits(chars));
    if (o.spoolDir && deps.runtime.openSpool) {
      const { maxBytes, maxAgeMs, retryIntervalMs } = o.spool;
      const dir =
        o.spoolDir === 'auto'
          ? (deps.runtime.autoSpoolDir?.(`${o.endpoint} ${o.apiKey} ${o.projectId ?? ''}`) ?? o.spoolDir)
          : o.spoolDir;
      this.spool = deps.runtime.openSpool(
        dir,
        { maxBytes, maxAgeMs },
        () => deps.clock.now(),
        (e) => deps.notices.notify(e, 0),
      );
      this.replayer = new SpoolReplayer({
        store: this.spool,
        encode: deps.runtime.encode,
        clock: deps.clock,
        intervalMs: retryIntervalMs,
        resend: (batch) => this.resend(batch),
      });
      // What an earlier run could not send goes first (docs/architecture.md, "SDK behaviour").
      this.replayer.kick();
    }
  }

  /** Buffers a serialized, redacted line. Synchronous and O(1) amortized. */
  enqueue(line: string, rank: number): void {
    this.queued(this.buffer.push(line, rank).dropped);
  }

  /**
   * Buffers `records` serialized, redacted lines joined by `\n`, all of one kind (`high`: warn and
   * above), as one entry when they fit; drops are counted per record, as for one line at a time.
   */
  enqueueRun(run: string, records: number, high: boolean): void {
    if (!this.buffer.fitsWhole(run, records)) {
      // Under pressure, line by line: each eviction and refusal falls where it would.
      const rank = high ? HIGH_RANK : 0;
      for (const line of run.split('\n')) this.enqueue(line, rank);
      return;
    }
    // No batch is taken before the drain's next microtask, so one push for the run leaves the buffer
    // as one push per line would; only the timer needs care: one line at a time, the first line arms
    // it unless that line already completes a batch (a full batch leaves without waiting for it).
    const b = this.deps.options.batch;
    const first = records === 1 ? run.length : run.indexOf('\n');
    if (
      this.timer === undefined &&
      this.buffer.size + 1 < b.maxRecords &&
      this.buffer.rawBytes + first + 1 < b.maxBytes
    ) {
      this.armTimer();
    }
    this.queued(this.buffer.pushRun(run, records, high).dropped);
  }

  /**
   * Records and bytes (characters plus per-record overhead) that go in now without a drop, with the
   * margin `hasRoom` keeps; `undefined` while `hasRoom` answers yes to anything (stalled or stopped).
   */
  roomLeft(): { records: number; bytes: number } | undefined {
    if (this.room.stalled || this.stopped) return undefined;
    return this.buffer.roomLeft();
  }

  private queued(dropped: number): void {
    if (dropped > 0) this.drop('overflow', dropped, 'the buffer is full (maxBufferRecords / maxBufferBytes)');
    const b = this.deps.options.batch;
    if (this.buffer.size >= b.maxRecords || this.buffer.rawBytes >= b.maxBytes) this.kick();
    else if (this.timer === undefined) this.armTimer();
  }

  /**
   * Whether a line of `chars` characters goes in without a drop now. Always, while the backend stalls
   * (the drop policy decides) and once stopped (nothing is taken, so nobody should wait).
   */
  hasRoom(chars: number): boolean {
    return this.room.stalled || this.stopped || this.buffer.fits(chars);
  }

  /**
   * Resolves `true` once a line of `chars` characters fits, checked as records leave the queue and
   * batches settle; sends a partial batch at once, since a full one would leave by itself. `false` when
   * no batch settles for `stallMs` or the client stops.
   */
  whenRoom(chars: number, stallMs: number): Promise<boolean> {
    if (this.hasRoom(chars)) return Promise.resolve(!this.stopped);
    this.forceSeq = Math.max(this.forceSeq, this.buffer.lastSeq);
    this.kick();
    return this.room.wait(chars, stallMs);
  }

  /** Counts a drop; the counts travel in the next batch's `X-CloudSage-Dropped` header. */
  drop(reason: DropReason, count: number, message: string): void {
    this.pendingDrops[reason] += count;
    this.totals.dropped[reason] += count;
    const error = new CloudSageError(DROP_CODES[reason], `dropped ${count} log record(s): ${message}`, {
      details: { reason },
    });
    this.deps.notices.notify(error, count, !this.dropsHooked.has(reason));
    this.dropsHooked.add(reason);
  }

  stats(): ClientStats {
    const t = this.totals;
    return {
      sent: t.sent,
      dropped: { ...t.dropped },
      retried: t.retried,
      failed: t.failed,
      failedBy: { ...t.failedBy },
      held: [...this.held.values()].reduce((a, b) => a + b, 0),
      buffered: this.buffer.size + this.inFlight,
      bytes: this.buffer.bytes + this.buffer.reserved,
      batches: t.batches,
      spooled: t.spooled,
      replayed: t.replayed,
    };
  }

  /**
   * Sends everything logged before the call; resolves by the deadline at the latest. Never rejects.
   * Batches held for a setting (401/403/404) do not hold it up: they wait for someone to fix the key,
   * and count as `pending` (a shutdown then spools them, or gives them up).
   */
  async flush(timeoutMs: number): Promise<FlushResult> {
    const before = this.settled();
    const target = this.buffer.lastSeq;
    this.forceSeq = Math.max(this.forceSeq, target);
    const work = (async () => {
      while (!this.stopped && (this.buffer.firstSeq <= target || (this.drain.running && !this.onlyHeldInFlight()))) {
        let wake = () => {};
        const held = new Promise<void>((resolve) => {
          wake = resolve;
        });
        this.heldWaiters.add(wake);
        try {
          await Promise.race([this.drain.run(), held]);
        } finally {
          this.heldWaiters.delete(wake);
        }
      }
      await this.replayer?.idle();
    })();
    await withDeadline(work, timeoutMs, this.deps.clock);
    const after = this.settled();
    return {
      sent: after.sent - before.sent,
      dropped: after.dropped - before.dropped,
      pending: this.buffer.size + this.inFlight,
    };
  }

  /**
   * Writes everything not yet delivered to the spool, synchronously (exit paths run it, where
   * nothing async completes): batches in flight (their requests are then cut off, and count as
   * spooled when they end) and every buffered record. Segments being re-sent go back to the queue.
   * Without a spool it does nothing. Never throws.
   */
  spill(): void {
    const spool = this.spool;
    if (!spool) return;
    try {
      for (const flight of this.flights.values()) flight.controller.abort();
      for (const [batch, flight] of this.flights) {
        if (!flight.spooled) flight.spooled = this.spoolBatch(batch);
      }
      for (;;) {
        const taken = this.takeBatch(Number.MAX_SAFE_INTEGER);
        if (!taken) break;
        const { batch } = taken;
        if (!this.spoolBatch(batch)) this.totals.failed += batchRecords(batch);
        this.buffer.release(taken.held);
      }
      spool.unclaimAllSync();
    } catch (err) {
      this.deps.notices.notify(new CloudSageError('internal_error', 'spilling to the spool failed', { cause: err }), 0);
    }
  }

  /** Stops sending: aborts requests in flight and closes the sender. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.room.stop();
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.replayer?.stop();
    for (const flight of this.flights.values()) flight.controller.abort();
    // Aborted requests settle within a few turns: wait for them (bounded), so that what they gave up is
    // counted and said before shutdown() returns. Without it the notice raced the sender's close: with a
    // close that takes no I/O (node:http), a worker thread ended before saying it.
    if (this.drain.running) await withDeadline(this.drain.run(), STOP_SETTLE_MS, this.deps.clock);
    this.spool?.close();
    try {
      await this.deps.sender.close?.();
    } catch {
      // closing is best effort
    }
  }

  private settled(): { sent: number; dropped: number } {
    const d = this.totals.dropped;
    return { sent: this.totals.sent, dropped: d.overflow + d.oversize + d.before_send + this.totals.failed };
  }

  private armTimer(): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      this.forceSeq = Math.max(this.forceSeq, this.buffer.lastSeq);
      this.kick();
    }, this.deps.options.batch.maxWaitMs);
  }

  private kick(): void {
    if (this.stopped || this.drain.running) return;
    void this.drain.run().then(() => {
      const b = this.deps.options.batch;
      const full = this.buffer.size >= b.maxRecords || this.buffer.rawBytes >= b.maxBytes;
      if (full || this.buffer.firstSeq <= this.forceSeq) this.kick();
      else if (this.buffer.size > 0 && this.timer === undefined) this.armTimer();
    });
  }

  /** The next batch from the buffer (a partial one only up to `forceSeq`), carrying the drop counts. */
  private takeBatch(forceSeq: number): { batch: Batch; held: number } | undefined {
    const b = this.deps.options.batch;
    const taken = this.buffer.takeRuns(b.maxRecords, b.maxBytes, forceSeq);
    if (!taken) return undefined;
    const { newId, runtime } = this.deps;
    const batch = newBatch(newId(), taken.entries, taken.rawBytes, this.takeDrops(), runtime.encode, taken.records);
    return { batch, held: taken.held };
  }

  private takeDrops(): DropCounts {
    const d = this.pendingDrops;
    this.pendingDrops = emptyDropCounts();
    return d;
  }

  private async drainLoop(): Promise<void> {
    const inflight = new Set<Promise<void>>();
    const { concurrency } = this.deps.options;
    for (;;) {
      while (!this.stopped && inflight.size < concurrency) {
        const taken = this.takeBatch(this.forceSeq);
        if (!taken) break;
        const { batch } = taken;
        this.inFlight += batchRecords(batch);
        const p: Promise<void> = this.send(batch, taken.held).finally(() => inflight.delete(p));
        inflight.add(p);
        this.room.changed(false);
      }
      if (inflight.size === 0) return;
      await Promise.race(inflight);
    }
  }

  private spoolBatch(batch: Batch): boolean {
    if (!this.spool) return false;
    const { idempotencyKey, dropped } = batch;
    const ok = this.spool.writeSync({
      idempotencyKey,
      spooledAt: this.deps.clock.now(),
      lines: [...batch.lines],
      dropped,
    });
    if (ok) {
      this.totals.spooled += batchRecords(batch);
      this.replayer?.schedule();
    }
    return ok;
  }

  private deliverWith(batch: Batch, flight: Flight, offer: boolean) {
    return deliver(batch, {
      sender: this.deps.sender,
      retry: this.deps.options.retry,
      clock: this.deps.clock,
      random: this.deps.random,
      signal: flight.controller.signal,
      onRetry: () => {
        this.totals.retried++;
      },
      onHeld: (leaf, result) => {
        const first = !this.held.has(leaf);
        this.held.set(leaf, batchRecords(leaf));
        for (const wake of this.heldWaiters) wake();
        this.deps.notices.notify(heldError(leaf, result, this.deps.options, !!this.spool), batchRecords(leaf), first);
      },
      // A spilled batch is on disk already; any other is offered to the spool when it cannot be sent.
      ...(this.spool && offer ? { spool: (leaf: Batch) => this.offerToSpool(batch, leaf, flight) } : {}),
    });
  }

  private offerToSpool(batch: Batch, leaf: Batch, flight: Flight): boolean {
    if (flight.spooled) return true;
    const ok = this.spoolBatch(leaf);
    // Marked at once, so a spill before send() settles does not write the same batch again.
    if (ok && leaf === batch) flight.spooled = true;
    return ok;
  }

  /** Re-sends one spooled batch (it stays on disk until this answers `sent` or `gave_up`). */
  private async resend(batch: Batch): Promise<ResendResult> {
    if (this.stopped) return 'retry';
    const flight: Flight = { controller: new AbortController(), spooled: true };
    this.flights.set(batch, flight);
    try {
      const outcome = await this.deliverWith(batch, flight, false);
      this.totals.sent += outcome.sent;
      this.totals.replayed += outcome.sent;
      const result = resendResult(outcome, flight.controller.signal.aborted);
      if (result === 'gave_up') {
        this.totals.failed += outcome.failed;
        this.giveUp(batchFailedError(batch, outcome, true), outcome.failed);
      }
      return result;
    } finally {
      this.flights.delete(batch);
      this.forgetHeld(batch);
    }
  }

  /** Whether every record in flight is in a batch held for a setting (so draining waits on a person). */
  private onlyHeldInFlight(): boolean {
    let held = 0;
    for (const n of this.held.values()) held += n;
    return this.inFlight > 0 && held >= this.inFlight;
  }

  /** Forgets the held halves of a settled batch (a 413 splits it into keys `<key>.0`, `<key>.1`, ...). */
  private forgetHeld(batch: Batch): void {
    if (this.held.size === 0) return;
    const prefix = `${batch.idempotencyKey}.`;
    for (const b of this.held.keys()) {
      if (b.idempotencyKey === batch.idempotencyKey || b.idempotencyKey.startsWith(prefix)) this.held.delete(b);
    }
  }

  /** Counts records given up by cause and says so. */
  private giveUp(error: CloudSageError, count: number): void {
    const code = error.code;
    this.totals.failedBy[code] = (this.totals.failedBy[code] ?? 0) + count;
    this.deps.notices.notify(error, count);
  }

  private async send(batch: Batch, held: number): Promise<void> {
    const n = batchRecords(batch);
    const flight: Flight = { controller: new AbortController(), spooled: false };
    this.flights.set(batch, flight);
    try {
      const outcome = await this.deliverWith(batch, flight, true);
      this.totals.sent += outcome.sent;
      this.totals.failed += outcome.failed;
      // Spooled drop counts travel with the spooled batch.
      if (outcome.sent === 0 && !outcome.spooled) {
        // The counts never reached the server: carry them to the next batch.
        for (const k of Object.keys(batch.dropped) as DropReason[]) this.pendingDrops[k] += batch.dropped[k];
      }
      if (outcome.failure && outcome.failed > 0) this.giveUp(batchFailedError(batch, outcome), outcome.failed);
    } catch (err) {
      this.totals.failed += n;
      this.deps.notices.notify(
        new CloudSageError('internal_error', 'sending a batch failed unexpectedly', { cause: err }),
        n,
      );
    } finally {
      this.flights.delete(batch);
      this.forgetHeld(batch);
      this.totals.batches++;
      this.inFlight -= n;
      this.buffer.release(held);
      this.room.changed(true);
      if (this.buffer.bytes + this.buffer.reserved < this.deps.options.maxBufferBytes / 2) this.dropsHooked.clear();
    }
  }
}
