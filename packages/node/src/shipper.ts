import { type DropCounts, type DropReason, emptyDropCounts } from '@cloudsage/schema';
import { createBatch } from './batch.js';
import { RecordBuffer } from './buffer.js';
import type { Clock, TimerHandle } from './clock.js';
import { deliver } from './deliver.js';
import { DropWarning } from './drop-warning.js';
import { CloudSageError } from './errors.js';
import { type FlushResult, SharedRun, withDeadline } from './flush.js';
import type { ResolvedOptions } from './options.js';
import type { Transport } from './send.js';

/** The client's counters since it was created; see `CloudSage.stats()`. */
export interface ClientStats {
  /** Records the backend accepted. */
  sent: number;
  /** Records dropped before sending, by reason. */
  dropped: DropCounts;
  /** Retries made (attempts after the first). */
  retried: number;
  /** Records given up after sending failed (rejected, or out of retry budget). */
  failed: number;
  /** Records buffered or in flight now. */
  buffered: number;
  /** Memory those records hold (text plus per-record overhead), the figure `maxBufferBytes` bounds. */
  bytes: number;
  /** Batches settled (sent or given up). */
  batches: number;
}

/** What the shipper needs from the client. */
export interface ShipperDeps {
  options: ResolvedOptions;
  transport: Transport;
  clock: Clock;
  random: () => number;
  newId: () => string;
  report: (error: CloudSageError) => void;
  stderr: { write(line: string): unknown };
}

/**
 * Buffer -> batches -> transport: the background half of the client. Batches leave by count, bytes or
 * time; one drain at a time, shared by every `flush()` caller.
 *
 * @example
 * const shipper = new Shipper(deps);
 * shipper.enqueue('{"level":"info","msg":"hi"}', 30);
 * await shipper.flush(5000);
 */
export class Shipper {
  readonly buffer: RecordBuffer;
  private readonly warning: DropWarning;
  private readonly drain = new SharedRun(() => this.drainLoop());
  private readonly abort = new AbortController();
  private pendingDrops = emptyDropCounts();
  private readonly totals = { sent: 0, failed: 0, retried: 0, batches: 0, dropped: emptyDropCounts() };
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
    this.warning = new DropWarning(deps.clock, deps.stderr, deps.report);
  }

  /** Buffers a serialized, redacted line. Synchronous and O(1) amortized. */
  enqueue(line: string, rank: number): void {
    const { dropped } = this.buffer.push(line, rank);
    if (dropped > 0) this.drop('overflow', dropped, 'the buffer is full (maxBufferRecords / maxBufferBytes)');
    const b = this.deps.options.batch;
    if (this.buffer.size >= b.maxRecords || this.buffer.rawBytes >= b.maxBytes) this.kick();
    else if (this.timer === undefined) this.armTimer();
  }

  /** Counts a drop; the counts travel in the next batch's `X-CloudSage-Dropped` header. */
  drop(reason: DropReason, count: number, message: string): void {
    this.pendingDrops[reason] += count;
    this.totals.dropped[reason] += count;
    this.warning.dropped(reason, count, message);
  }

  stats(): ClientStats {
    const t = this.totals;
    return {
      sent: t.sent,
      dropped: { ...t.dropped },
      retried: t.retried,
      failed: t.failed,
      buffered: this.buffer.size + this.inFlight,
      bytes: this.buffer.bytes + this.buffer.reserved,
      batches: t.batches,
    };
  }

  /** Sends everything logged before the call; resolves by the deadline at the latest. Never rejects. */
  async flush(timeoutMs: number, keepAlive = false): Promise<FlushResult> {
    const before = this.settled();
    const target = this.buffer.lastSeq;
    this.forceSeq = Math.max(this.forceSeq, target);
    const work = (async () => {
      while (!this.stopped && (this.buffer.firstSeq <= target || this.drain.running)) await this.drain.run();
    })();
    await withDeadline(work, timeoutMs, this.deps.clock, keepAlive);
    const after = this.settled();
    return {
      sent: after.sent - before.sent,
      dropped: after.dropped - before.dropped,
      pending: this.buffer.size + this.inFlight,
    };
  }

  /** Stops sending: aborts requests in flight and closes the transport. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
    try {
      await this.deps.transport.close?.();
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

  private takeDrops(): DropCounts {
    const d = this.pendingDrops;
    this.pendingDrops = emptyDropCounts();
    return d;
  }

  private async drainLoop(): Promise<void> {
    const inflight = new Set<Promise<void>>();
    const { batch: b, concurrency } = this.deps.options;
    for (;;) {
      while (!this.stopped && inflight.size < concurrency) {
        const taken = this.buffer.take(b.maxRecords, b.maxBytes, this.forceSeq);
        if (!taken) break;
        const batch = createBatch(this.deps.newId(), taken.lines, taken.rawBytes, this.takeDrops());
        this.inFlight += taken.lines.length;
        const p: Promise<void> = this.send(batch, taken.held).finally(() => inflight.delete(p));
        inflight.add(p);
      }
      if (inflight.size === 0) return;
      await Promise.race(inflight);
    }
  }

  private async send(batch: ReturnType<typeof createBatch>, held: number): Promise<void> {
    const n = batch.lines.length;
    try {
      const outcome = await deliver(batch, {
        transport: this.deps.transport,
        retry: this.deps.options.retry,
        clock: this.deps.clock,
        random: this.deps.random,
        signal: this.abort.signal,
        onRetry: () => {
          this.totals.retried++;
        },
      });
      this.totals.sent += outcome.sent;
      this.totals.failed += outcome.failed;
      if (outcome.sent === 0) {
        // The counts never reached the server: carry them to the next batch.
        for (const k of Object.keys(batch.dropped) as DropReason[]) this.pendingDrops[k] += batch.dropped[k];
      }
      if (outcome.failure && outcome.failed > 0) {
        const f = outcome.failure;
        this.deps.report(
          new CloudSageError('batch_failed', `gave up ${outcome.failed} record(s): ${f.message}`, {
            ...(f.status === undefined ? {} : { status: f.status }),
            ...('serverCode' in f && f.serverCode ? { serverCode: f.serverCode } : {}),
            details: { idempotencyKey: batch.idempotencyKey, kind: f.kind },
          }),
        );
      }
    } catch (err) {
      this.totals.failed += n;
      this.deps.report(new CloudSageError('internal_error', 'sending a batch failed unexpectedly', { cause: err }));
    } finally {
      this.totals.batches++;
      this.inFlight -= n;
      this.buffer.release(held);
      if (this.buffer.bytes + this.buffer.reserved < this.deps.options.maxBufferBytes / 2) this.warning.rearm();
    }
  }
}
