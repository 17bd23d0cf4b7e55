import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Bucket } from '../../store/bucket/bucket.js';
import type { Database } from '../../store/sql/database.js';
import { type RetentionResult, sweepRetention } from './retention-sweep.js';

/** Options of the retention job. */
export interface RetentionJobOptions {
  db: Kysely<Database>;
  bucket: Bucket;
  log: FastifyBaseLogger;
  /** Days of user data kept; 0 keeps it all (stale rate-limit counters still go). */
  days: number;
  intervalMs: number;
  maxBatchesPerRun: number;
  /** The clock; tests inject one. */
  now?: () => number;
  /** Told what each sweep removed (metrics). */
  onSwept?: (result: RetentionResult) => void;
}

// A sweep that stopped at its bound runs again this soon, so a backlog drains without a tight loop.
const CATCH_UP_MS = 1_000;

/**
 * Runs `sweepRetention` every `intervalMs` (sooner while a backlog remains) in each replica; the
 * sweep is idempotent, so replicas need no lock. A failing sweep is logged and tried next time:
 * a background path never throws (STYLE habit 5). `stop()` waits for a sweep in flight.
 *
 * @example
 * const job = new RetentionJob({ db, bucket, log, days: 30, intervalMs: 600_000, maxBatchesPerRun: 1000 });
 * job.start();
 * await job.stop();
 */
export class RetentionJob {
  readonly #options: RetentionJobOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<RetentionResult | undefined> | undefined;
  #stopped = false;

  constructor(options: RetentionJobOptions) {
    this.#options = options;
  }

  /**
   * Schedules the first sweep after one interval. With retention off (0 days) it still runs, to
   * remove stale rate-limit counters, which every client address adds whatever is kept.
   */
  start(): void {
    if (this.#stopped) return;
    this.#schedule(this.#options.intervalMs);
  }

  /** One sweep now; concurrent callers share it. Answers what it removed, or undefined if it failed. */
  runOnce(): Promise<RetentionResult | undefined> {
    this.#running ??= this.#sweep().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(async () => {
      const result = await this.runOnce();
      this.#schedule(result?.more ? CATCH_UP_MS : this.#options.intervalMs);
    }, ms);
    this.#timer.unref();
  }

  async #sweep(): Promise<RetentionResult | undefined> {
    const o = this.#options;
    try {
      const result = await sweepRetention({
        db: o.db,
        bucket: o.bucket,
        now: (o.now ?? Date.now)(),
        days: o.days,
        maxBatches: o.maxBatchesPerRun,
      });
      o.onSwept?.(result);
      const removed =
        result.batches +
        result.minuteMetrics +
        result.riskHistory +
        result.forecasts +
        result.forecastFeedback +
        result.rateLimits;
      if (removed > 0) o.log.info({ retention: result }, 'retention sweep');
      return result;
    } catch (err) {
      o.log.warn({ err }, 'retention sweep failed; trying again next interval');
      return undefined;
    }
  }
}
