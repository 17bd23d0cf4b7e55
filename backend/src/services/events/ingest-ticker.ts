import type { IngestEvent } from '@cloudsage/schema';
import type { EventBus } from './event-bus.js';

/**
 * Sums ingest counts per project and publishes them as one `ingest` event at most once per
 * interval (a second by default), so a busy project does not flood its SSE clients.
 */
export class IngestTicker {
  readonly #pending = new Map<string, IngestEvent>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #bus: EventBus;
  readonly #intervalMs: number;

  constructor(bus: EventBus, intervalMs = 1_000) {
    this.#bus = bus;
    this.#intervalMs = intervalMs;
  }

  /** Adds one batch's counts; the sum goes out when the project's interval ends. */
  record(projectId: string, counts: IngestEvent): void {
    const sum = this.#pending.get(projectId) ?? { accepted: 0, rejected: 0, bytes: 0 };
    sum.accepted += counts.accepted;
    sum.rejected += counts.rejected;
    sum.bytes += counts.bytes;
    this.#pending.set(projectId, sum);
    if (this.#timers.has(projectId)) return;
    const timer = setTimeout(() => this.#emit(projectId), this.#intervalMs);
    timer.unref();
    this.#timers.set(projectId, timer);
  }

  #emit(projectId: string): void {
    this.#timers.delete(projectId);
    const sum = this.#pending.get(projectId);
    this.#pending.delete(projectId);
    if (sum) this.#bus.publish(projectId, { type: 'ingest', data: sum }).catch(() => {});
  }

  /** Publishes what is pending now and stops the timers. */
  stop(): void {
    for (const [projectId, timer] of this.#timers) {
      clearTimeout(timer);
      this.#emit(projectId);
    }
  }
}
