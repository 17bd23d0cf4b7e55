/**
 * What the lab's clients saw, minute by minute: the load generator's own view of each request (time to
 * the whole answer, status, failure), kept beside the logs in `labels.json`. It is the fault's effect
 * measured without the logs, so a fault's trace in the logs can be set against what users waited for:
 * a service's access log starts its clock when its handler runs, and a request that waited before
 * that (a busy event loop) shows only here.
 */
import { quantile } from '../../src/score/stats.js';

const MINUTE = 60_000;

/** One minute of the clients' view (by the minute each request was sent). */
export interface ClientMinute {
  /** ISO 8601 UTC start of the minute. */
  minute: string;
  /** Requests sent that minute. */
  requests: number;
  /** Answered 5xx. */
  status5xx: number;
  /** No answer: refused, reset or timed out (10 s). */
  failed: number;
  /** Not sent: the client's 40 connections were all waiting (a full pool, as a load balancer's queue). */
  dropped: number;
  /** Percentiles of the time to the whole answer, over answered requests, in ms. */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

interface Tally {
  requests: number;
  status5xx: number;
  failed: number;
  dropped: number;
  ms: number[];
}

/** Collects the clients' view of each request. */
export class ClientMinutes {
  readonly #minutes = new Map<number, Tally>();

  #at(sentAt: number): Tally {
    const key = Math.floor(sentAt / MINUTE) * MINUTE;
    let t = this.#minutes.get(key);
    if (t === undefined) {
      t = { requests: 0, status5xx: 0, failed: 0, dropped: 0, ms: [] };
      this.#minutes.set(key, t);
    }
    return t;
  }

  /** A request sent at `sentAt` answered with `status` after `ms`. */
  answered(sentAt: number, status: number, ms: number): void {
    const t = this.#at(sentAt);
    t.requests++;
    t.ms.push(ms);
    if (status >= 500) t.status5xx++;
  }

  /** A request sent at `sentAt` got no answer. */
  failed(sentAt: number): void {
    const t = this.#at(sentAt);
    t.requests++;
    t.failed++;
  }

  /** A request due at `at` was never sent: every connection was busy. */
  dropped(at: number): void {
    this.#at(at).dropped++;
  }

  /** The whole run so far: every minute's counts added up (what the lab's live view prints). */
  totals(): { requests: number; status5xx: number; failed: number; dropped: number } {
    const sum = { requests: 0, status5xx: 0, failed: 0, dropped: 0 };
    for (const t of this.#minutes.values()) {
      sum.requests += t.requests;
      sum.status5xx += t.status5xx;
      sum.failed += t.failed;
      sum.dropped += t.dropped;
    }
    return sum;
  }

  /** Every minute seen, in order. */
  toJSON(): ClientMinute[] {
    return [...this.#minutes]
      .sort((a, b) => a[0] - b[0])
      .map(([start, t]) => {
        const p = (q: number) => (t.ms.length === 0 ? null : Math.round(quantile(t.ms, q)));
        return {
          minute: new Date(start).toISOString(),
          requests: t.requests,
          status5xx: t.status5xx,
          failed: t.failed,
          dropped: t.dropped,
          p50Ms: p(0.5),
          p95Ms: p(0.95),
          p99Ms: p(0.99),
        };
      });
  }
}
