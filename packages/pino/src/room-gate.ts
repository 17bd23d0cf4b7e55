import type { ClientStats } from '@cloudsage/node';

/** What the gate needs from the client: its counters, and a way to send a partial batch now. */
export interface GatedClient {
  stats(): ClientStats;
  flush(options: { timeoutMs: number }): Promise<unknown>;
}

/** The client's buffer bounds, and how long to wait for a backend that settles no batch at all. */
export interface RoomLimits {
  maxBufferBytes: number;
  maxBufferRecords: number;
  /** With no batch settled for this long, lines go in anyway and the client's drop policy decides. */
  stallMs: number;
  /** Pause between looks at the client's counters while waiting. */
  pollMs: number;
  /** Injected in tests: the time, and the pause between looks. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

// The client counts a record as its characters plus this (its `ENTRY_OVERHEAD`); redaction may lengthen
// a line a little after the gate counted it, so the gate also keeps a sixteenth of the bound free.
const ENTRY_OVERHEAD = 64;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Backpressure for the worker-thread transport: says whether the next line fits in the client's buffer,
 * and waits for room when it does not, so a burst waits in pino's thread-stream instead of being
 * dropped. Only a backend that settles no batch for `stallMs` turns the gate off (until one settles),
 * so an outage cannot stall the app's logging for longer than that.
 *
 * @example
 * const gate = new RoomGate(client, { maxBufferBytes: 64 << 20, maxBufferRecords: 1e6, stallMs: 5000, pollMs: 5 });
 * if (!gate.take(line.length)) await gate.wait();
 */
export class RoomGate {
  private bytes = 0;
  private records = 0;
  private stalledAt: number | undefined;
  private readonly byteBound: number;

  constructor(
    private readonly client: GatedClient,
    private readonly limits: RoomLimits,
  ) {
    this.byteBound = limits.maxBufferBytes - Math.floor(limits.maxBufferBytes / 16);
  }

  /** Counts a line of `chars` characters against the room left; `false` when it does not fit now. */
  take(chars: number): boolean {
    const cost = chars + ENTRY_OVERHEAD;
    if (this.bytes < cost || this.records < 1) {
      // Asking the client builds an object: do it only when the room counted so far is used up.
      if (!this.refresh(cost)) return false;
    }
    this.bytes -= cost;
    this.records--;
    return true;
  }

  /** Resolves once there is room again, or once the backend has settled nothing for `stallMs`. */
  async wait(): Promise<void> {
    // Full batches leave by themselves; a partial one would wait for `batch.maxWaitMs`: send it now.
    void this.client.flush({ timeoutMs: 0 });
    const { now = Date.now, sleep = pause, pollMs, stallMs } = this.limits;
    let batches = this.client.stats().batches;
    let since = now();
    for (;;) {
      await sleep(pollMs);
      if (this.refresh(ENTRY_OVERHEAD)) return;
      const settled = this.client.stats().batches;
      if (settled !== batches) {
        batches = settled;
        since = now();
      } else if (now() - since >= stallMs) {
        this.stalledAt = batches;
        return;
      }
    }
  }

  private refresh(cost: number): boolean {
    const s = this.client.stats();
    if (this.stalledAt !== undefined) {
      if (s.batches === this.stalledAt) {
        // Stalled: let a sixteenth of the bound through before asking again.
        this.bytes = Math.floor(this.limits.maxBufferBytes / 16) + cost;
        this.records = Math.max(1, Math.floor(this.limits.maxBufferRecords / 16));
        return true;
      }
      this.stalledAt = undefined;
    }
    this.bytes = this.byteBound - s.bytes;
    this.records = this.limits.maxBufferRecords - s.buffered;
    return this.bytes >= cost && this.records >= 1;
  }
}
