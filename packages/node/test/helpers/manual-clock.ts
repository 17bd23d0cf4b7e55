import type { Clock, TimerHandle } from '../../src/clock.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
  ms: number;
}

/** A clock the test moves by hand; records every timer asked for, so delays can be asserted. */
export class ManualClock implements Clock {
  private t = 1_767_225_600_000; // 2026-01-01T00:00:00Z
  private nextId = 1;
  private timers: Timer[] = [];
  /** Every delay requested, in order. */
  readonly requested: number[] = [];

  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.t + ms, fn, ms };
    this.timers.push(timer);
    this.requested.push(ms);
    return timer.id;
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  /** Timers not yet fired. */
  get pending(): number[] {
    return this.timers.map((t) => t.ms);
  }
  /** Moves time forward, firing due timers in order and letting promise chains run between them. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.t = due.at;
      due.fn();
      for (let i = 0; i < 20; i++) await Promise.resolve();
    }
    this.t = end;
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }
}
