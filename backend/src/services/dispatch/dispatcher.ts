import { randomUUID } from 'node:crypto';
import { Baseline, type RiskPoint } from '@cloudsage/schema';
import type { FastifyBaseLogger } from 'fastify';
import type { Bucket } from '../../store/bucket/bucket.js';
import { type Memory, sqlMemory } from '../../store/memory.js';
import type { SqlStore } from '../../store/sql/open-sql.js';
import type { ReportSkipped } from '../logs/batch-reader.js';
import { claimJob, completeJob, type Job, renewLease, retryJob } from './job-queue.js';
import { sweepNoData } from './no-data.js';
import { MAX_WINDOW_TRIES, parkWindow } from './parked-windows.js';
import { announceStoredScore, BASELINE_KEY, storeScore } from './store-score.js';
import { readWindowRecords } from './window-records.js';
import { callWorker, type WorkerClientOptions } from './worker-client.js';

/** Settings of the dispatcher; every duration is a setting so tests and CI can run short. */
export interface DispatcherOptions {
  sql: SqlStore;
  bucket: Bucket;
  worker: WorkerClientOptions;
  log: FastifyBaseLogger;
  /** Scoring window length (ingest time), 1 minute by default. */
  windowMs: number;
  /** How long after a window ends before it is scored, so late commits land in it. */
  graceMs?: number;
  pollMs?: number;
  leaseMs?: number;
  maxRecordsPerWindow?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  now?: () => number;
  random?: () => number;
  /** Expected windows a usually-sending project may miss before a "No Data" point (0: off; 5). */
  noDataWindows?: number;
  /** Called after a new risk point is stored (events, alerts). Errors are logged, not thrown. */
  onScore?: (projectId: string, point: RiskPoint) => void | Promise<void>;
  /** Told when a window's objects held lines that are not records (left out of its score), or one could not be read. */
  onSkipped?: ReportSkipped;
}

/** What scoring one window came to. */
type WindowOutcome =
  | { kind: 'ok' }
  /** The window's own data cannot be read: a try toward `MAX_WINDOW_TRIES`. */
  | { kind: 'unreadable'; error: string }
  /** Something outside the window failed (the worker): retry later, no try counted. */
  | { kind: 'retry'; error: string };

/** Where a job's run stands: the window in hand and its failed tries so far. */
interface Progress {
  window: number;
  failures: number;
}

/**
 * Moves scoring jobs from the outbox to the worker and the results into risk_history. Runs in
 * every backend replica; jobs are claimed with leases so a crash leaves the job to run again and
 * nothing is scored twice (see `claimJob` and `storeScore`).
 */
export class Dispatcher {
  readonly #o: Required<Omit<DispatcherOptions, 'onScore' | 'onSkipped'>> &
    Pick<DispatcherOptions, 'onScore' | 'onSkipped'>;
  readonly #memory: Memory;
  readonly #claimer = `d_${randomUUID()}`;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #noDataSweptAt = 0;

  constructor(options: DispatcherOptions) {
    this.#o = {
      graceMs: 2_000,
      pollMs: 1_000,
      leaseMs: 120_000,
      maxRecordsPerWindow: 50_000,
      backoffBaseMs: 1_000,
      backoffCapMs: 60_000,
      noDataWindows: 5,
      now: Date.now,
      random: Math.random,
      ...options,
    };
    this.#memory = sqlMemory(options.sql.db, this.#o.now);
  }

  /** Starts polling for due jobs. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops polling and waits for the job in hand to finish its current window. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#tick().finally(() => {
        this.#running = undefined;
      });
    }, delay);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    let worked = false;
    try {
      worked = await this.runOnce();
      if (this.#o.now() - this.#noDataSweptAt >= this.#o.windowMs) await this.sweepNoData();
    } catch (err) {
      this.#o.log.error({ err }, 'dispatcher tick failed');
    }
    this.#schedule(worked ? 0 : this.#o.pollMs);
  }

  /** Writes "No Data" points for projects gone quiet (once a window); exposed for tests. */
  async sweepNoData(): Promise<number> {
    const { sql, windowMs, graceMs, noDataWindows, now } = this.#o;
    this.#noDataSweptAt = now();
    const written = await sweepNoData(sql.db, { windowMs, graceMs, windows: noDataWindows, now: now() });
    for (const { projectId, point } of written) {
      // As storeScore does for a scored window: the forecast refresher hears of it too.
      announceStoredScore(projectId, point);
      await this.#told(projectId, point);
    }
    return written.length;
  }

  async #told(projectId: string, point: RiskPoint): Promise<void> {
    if (!this.#o.onScore) return;
    try {
      await this.#o.onScore(projectId, point);
    } catch (err) {
      this.#o.log.error({ err, projectId }, 'onScore hook failed');
    }
  }

  /** Claims and runs one due job; answers whether there was one. Exposed for tests. */
  async runOnce(): Promise<boolean> {
    const { sql, leaseMs, now } = this.#o;
    const job = await claimJob(sql.db, sql.dialect, this.#claimer, now(), leaseMs);
    if (!job) return false;
    const at: Progress = { window: job.window_start, failures: job.window_failures };
    try {
      await this.#runJob(job, at);
    } catch (err) {
      // A store error mid-job: hand the job back with a backoff rather than leave it running
      // until its lease runs out (two minutes by default) with the project's scoring stalled.
      // It resumes at the window in hand: the ones before it are scored or parked.
      this.#o.log.error({ err, projectId: job.project_id, jobId: job.id }, 'scoring job failed, will retry');
      const retryAt = now() + this.#backoff(job.attempts);
      await retryJob(sql.db, job, at.window, retryAt, String(err), now(), at.failures).catch((e: unknown) =>
        this.#o.log.error({ err: e, jobId: job.id }, 'could not hand back a failed job; its lease will'),
      );
    }
    return true;
  }

  async #runJob(job: Job, at: Progress): Promise<void> {
    const { windowMs, graceMs, now, sql } = this.#o;
    const first = Math.floor(job.window_start / windowMs) * windowMs;
    for (let w = first; w < job.window_end; w += windowMs) {
      // The job's count of failed tries is its first window's; a later window starts afresh.
      at.window = w;
      at.failures = w === first ? job.window_failures : 0;
      if (w + windowMs > now() - graceMs) {
        // The rest is not complete yet: wait for it (or merge into a newer pending job). Waiting is
        // no failure, so the attempts restart: else a job that waits once a window under steady
        // ingest would meet its first worker outage with a backoff near the cap.
        await retryJob(sql.db, { ...job, attempts: 0 }, w, w + windowMs + graceMs, 'window not complete', now());
        return;
      }
      const outcome = await this.#scoreWindow(job.project_id, w);
      if (outcome.kind !== 'ok') {
        const failures = outcome.kind === 'unreadable' ? at.failures + 1 : at.failures;
        const about = { projectId: job.project_id, window: w, attempts: job.attempts, failures, error: outcome.error };
        if (failures < MAX_WINDOW_TRIES) {
          this.#o.log.warn(about, 'scoring failed, will retry');
          await retryJob(sql.db, job, w, now() + this.#backoff(job.attempts), outcome.error, now(), failures);
          return;
        }
        // Its data will read the same next time: keep the window aside and go on with the later ones.
        await parkWindow(sql.db, job, w, windowMs, failures, outcome.error, now());
        this.#o.log.error(about, 'scoring window parked after its tries; later windows go on');
      }
      await renewLease(sql.db, job, this.#claimer, now() + this.#o.leaseMs);
    }
    await completeJob(sql.db, job, now());
  }

  /** Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^(attempts-1))]. */
  #backoff(attempts: number): number {
    const ceiling = Math.min(this.#o.backoffCapMs, this.#o.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
    return Math.max(100, Math.floor(this.#o.random() * ceiling));
  }

  /** Scores one window; 'ok' also when it was already scored, is empty, or the worker rejects it. */
  async #scoreWindow(projectId: string, windowStart: number): Promise<WindowOutcome> {
    const { sql, bucket, windowMs, now } = this.#o;
    const done = await sql.db
      .selectFrom('risk_history')
      .select('id')
      .where('project_id', '=', projectId)
      .where('window_start', '=', windowStart)
      .executeTakeFirst();
    if (done) return { kind: 'ok' };
    const records = await readWindowRecords(
      sql.db,
      bucket,
      projectId,
      windowStart,
      windowStart + windowMs,
      this.#o.maxRecordsPerWindow,
    );
    if (!records.ok) {
      this.#o.onSkipped?.({ lines: 0, unreadableObjects: 1 });
      return { kind: 'unreadable', error: records.error };
    }
    if (records.skippedLines > 0) {
      this.#o.log.warn(
        { projectId, window: windowStart, skippedLines: records.skippedLines },
        'window objects held lines that are not records; scored without them',
      );
      this.#o.onSkipped?.({ lines: records.skippedLines, unreadableObjects: 0 });
    }
    if (records.totalRecords === 0) return { kind: 'ok' };
    const stored = await this.#memory.get<unknown>(projectId, BASELINE_KEY);
    const baseline = Baseline.safeParse(stored);
    const outcome = await callWorker(this.#o.worker, {
      projectId,
      logs: records.logs,
      window: { from: new Date(windowStart).toISOString(), to: new Date(windowStart + windowMs).toISOString() },
      baseline: baseline.success ? baseline.data : undefined,
      samplingRatio: records.samplingRatio,
      totalRecords: records.totalRecords,
    });
    if (!outcome.ok) {
      if (!outcome.retryable) {
        // Our request is wrong for this worker; retrying cannot help, so the window is skipped.
        this.#o.log.error(
          { projectId, window: windowStart, error: outcome.error },
          'worker rejected a window; skipped',
        );
        return { kind: 'ok' };
      }
      return { kind: 'retry', error: outcome.error };
    }
    const point = await storeScore(sql.db, this.#memory, projectId, windowStart, outcome.result, now());
    if (point) await this.#told(projectId, point);
    return { kind: 'ok' };
  }
}
