import { type Batch, type BodyEncoder, newBatch } from '../batch.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { DeliveryOutcome } from '../deliver.js';
import { SharedRun } from '../flush.js';
import { isHeldStatus } from '../retry-policy.js';
import type { SpoolStore } from './spool-store.js';

/** How re-sending one spooled batch ended. */
export type ResendResult = 'sent' | 'retry' | 'gave_up';

/**
 * How a re-send ended, from its delivery outcome: a batch the backend still cannot take, or that a
 * shutdown cut off, stays spooled (`retry`); one refused for good (400, 401, ...) is `gave_up`.
 *
 * @example
 * resendResult(await deliver(batch, ctx), signal.aborted); // 'sent'
 */
export function resendResult(outcome: DeliveryOutcome, aborted: boolean): ResendResult {
  if (outcome.failed === 0) return 'sent';
  const f = outcome.failure;
  // A refused key or project is a setting to fix: the segment waits for it (up to the spool's age cap).
  return aborted || f?.kind === 'retryable' || (f?.kind === 'failed' && isHeldStatus(f.status)) ? 'retry' : 'gave_up';
}

/** What the replayer needs. */
export interface ReplayDeps {
  store: SpoolStore;
  /** Encodes a re-sent batch's body, as the client's own batches are. */
  encode: BodyEncoder;
  clock: Clock;
  /** Pause between passes while segments remain (the backend is still down). */
  intervalMs: number;
  /** Sends one batch with the client's retries; reports its own failures. */
  resend(batch: Batch): Promise<ResendResult>;
}

/**
 * Re-sends spooled batches, oldest first, each with its original Idempotency-Key: one pass at
 * start, then a pass every `intervalMs` while segments remain. A pass stops at the first batch the
 * backend still cannot take, so an outage costs one request a pass, not one per segment.
 *
 * @example
 * const replayer = new SpoolReplayer({ store, clock, intervalMs: 30_000, resend });
 * replayer.kick();
 * await replayer.idle();
 */
export class SpoolReplayer {
  private readonly pass = new SharedRun(() => this.runPass());
  private timer: TimerHandle | undefined;
  private more = false;
  private stopped = false;

  constructor(private readonly deps: ReplayDeps) {}

  /** Starts a pass now unless one is running. */
  kick(): void {
    if (this.stopped || this.pass.running) return;
    void this.pass.run().then(() => {
      if (this.more) this.schedule();
    });
  }

  /** Arms the next pass (spooling at run time calls this so a long-lived process retries later). */
  schedule(): void {
    if (this.stopped || this.timer !== undefined) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, this.deps.intervalMs);
  }

  /** Resolves when the pass in flight (if any) has ended. */
  idle(): Promise<void> {
    return this.pass.running ? this.pass.run() : Promise.resolve();
  }

  /** Stops scheduling passes; a pass in flight ends at its next batch. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async runPass(): Promise<void> {
    this.more = false;
    const { store } = this.deps;
    for (const name of await store.pending()) {
      if (this.stopped) return;
      const claimed = await store.claim(name);
      if (!claimed) continue;
      const b = claimed.batch;
      const rawBytes = b.lines.reduce((n, l) => n + l.length + 1, 0);
      const batch = newBatch(b.idempotencyKey, b.lines, rawBytes, b.dropped, this.deps.encode);
      const result = await this.deps.resend(batch);
      if (result === 'retry') {
        await store.unclaim(name);
        this.more = true;
        return;
      }
      await store.done(name);
    }
  }
}
