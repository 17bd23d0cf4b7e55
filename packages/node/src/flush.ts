import type { Clock } from './clock.js';

/** What `flush()` and `shutdown()` resolve to: records settled during the call, and what is left. */
export interface FlushResult {
  /** Records the backend accepted during the call. */
  sent: number;
  /** Records given up during the call: dropped (any reason) or failed to send. */
  dropped: number;
  /** Records still buffered or in flight when the call returned. */
  pending: number;
}

/**
 * Runs one task at a time and lets every caller that arrives while it runs share it (OTel's
 * `BindOnceFuture`, STYLE habit 4): a second `flush()` gets the drain in flight, not an early return.
 *
 * @example
 * const drain = new SharedRun(() => drainAll());
 * await Promise.all([drain.run(), drain.run()]); // drainAll ran once
 */
export class SharedRun {
  private current: Promise<void> | undefined;
  constructor(private readonly task: () => Promise<void>) {}

  /** Whether a run is in flight. */
  get running(): boolean {
    return this.current !== undefined;
  }

  run(): Promise<void> {
    if (!this.current) {
      this.current = Promise.resolve()
        .then(this.task)
        .catch(() => undefined)
        .finally(() => {
          this.current = undefined;
        });
    }
    return this.current;
  }
}

/**
 * Resolves `true` when `work` settles first, `false` at the deadline. The deadline timer is the one
 * ref'd timer of the client: an awaited `flush()` keeps the process alive until it settles (by the
 * deadline at the latest) and no longer, where with every timer unref'd the event loop would empty
 * first and the process exit with the promise pending ("unsettled top-level await", exit code 13).
 *
 * @example
 * const done = await withDeadline(drain.run(), 5000, systemClock);
 */
export function withDeadline(work: Promise<unknown>, ms: number, clock: Clock): Promise<boolean> {
  return new Promise((resolve) => {
    const handle = clock.setTimeout(() => resolve(false), ms, true);
    work.then(
      () => {
        clock.clearTimeout(handle);
        resolve(true);
      },
      () => {
        clock.clearTimeout(handle);
        resolve(true);
      },
    );
  });
}
