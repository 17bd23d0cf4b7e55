import type { Clock, TimerHandle } from './clock.js';

/**
 * Who waits for buffer room, and when to stop waiting. The shipper tells it each time records leave
 * the queue or a batch settles ({@link RoomWaiters.changed}); nothing polls. A backend that settles no
 * batch for `stallMs` ends every wait with `false` and leaves the waiters "stalled": the adapters then
 * write anyway and the buffer's drop policy decides, so an outage holds the app's logging for
 * `stallMs` at most. The first batch that settles after that restores backpressure.
 *
 * @example
 * const room = new RoomWaiters(clock, (chars) => buffer.fits(chars));
 * if (!room.stalled && !buffer.fits(n)) await room.wait(n, 5000);
 */
export class RoomWaiters {
  /** True after a wait gave up on a backend that settled nothing; cleared by the next settled batch. */
  stalled = false;
  private waiters: Array<{ chars: number; resolve: (room: boolean) => void }> = [];
  private stallTimer: TimerHandle | undefined;
  private stallMs = 0;

  constructor(
    private readonly clock: Clock,
    private readonly fits: (chars: number) => boolean,
  ) {}

  /**
   * Resolves `true` once a line of `chars` characters fits, `false` when the backend stalls or the
   * client stops first.
   */
  wait(chars: number, stallMs: number): Promise<boolean> {
    if (this.stalled || this.fits(chars)) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.waiters.push({ chars, resolve });
      if (this.stallTimer === undefined) {
        this.stallMs = stallMs;
        this.armStall();
      }
    });
  }

  /** Records left the queue (`settled` false) or a batch settled: wakes the waiters whose line fits. */
  changed(settled: boolean): void {
    if (settled) this.stalled = false;
    if (this.waiters.length === 0) return;
    const waiting = this.waiters.filter((w) => !this.fits(w.chars));
    if (waiting.length < this.waiters.length) {
      const ready = this.waiters.filter((w) => !waiting.includes(w));
      this.waiters = waiting;
      for (const w of ready) w.resolve(true);
    }
    if (waiting.length === 0) {
      this.clearStall();
    } else if (settled) {
      // The backend answers, only not fast enough yet: the stall clock starts again.
      this.clearStall();
      this.armStall();
    }
  }

  /** Ends every wait with `false` (the client is shutting down). */
  stop(): void {
    this.end(false);
  }

  private armStall(): void {
    this.stallTimer = this.clock.setTimeout(() => {
      this.stallTimer = undefined;
      this.stalled = true;
      this.end(false);
    }, this.stallMs);
  }

  private clearStall(): void {
    if (this.stallTimer !== undefined) this.clock.clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  private end(room: boolean): void {
    this.clearStall();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve(room);
  }
}
