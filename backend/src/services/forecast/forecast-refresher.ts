/**
 * Keeps today's forecast in step with the scores, on the server: each newly stored score (told by
 * the dispatch hook `onScoreStored`) is checked against the stored forecast, and a new one is made
 * when the score left its first hour's band or the labels changed (regeneration-rule.ts), at most
 * once per interval per project. A change seen inside the interval is looked at again when it ends,
 * so it is not lost if no further score comes. Pages only read the stored forecast and hear of a
 * new one through the SSE `forecast` event.
 */

import type { Forecast, RiskPoint } from '@cloudsage/schema';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/sql/database.js';
import { decide, REGENERATE_INTERVAL_MS, type RegenerateReason } from './regeneration-rule.js';

/** What the refresher needs of the forecast store. */
export interface TodaysForecast {
  /** Today's forecast, made if there is none (or it is stale); a new one with `refresh`. */
  today(projectId: string, refresh?: boolean): Promise<Forecast>;
}

/** Settings of {@link ForecastRefresher}. */
export interface ForecastRefresherOptions {
  db: Kysely<Database>;
  store: TodaysForecast;
  log: FastifyBaseLogger;
  now?: () => number;
  /** Shortest time between two score-driven forecasts of a project (5 minutes). */
  intervalMs?: number;
  /** Told of each forecast made because of a score (metrics, tests). */
  onRegenerated?: (projectId: string, reason: RegenerateReason | 'first') => void;
}

type Seen = Pick<RiskPoint, 'score' | 'labels' | 'timestamp'>;

/**
 * Regenerates forecasts from scores, one check at a time per project.
 *
 * @example
 * const refresher = new ForecastRefresher({ db, store, log });
 * onScoreStored((projectId, point) => refresher.onScore(projectId, point));
 */
export class ForecastRefresher {
  readonly #o: Required<Omit<ForecastRefresherOptions, 'onRegenerated'>> &
    Pick<ForecastRefresherOptions, 'onRegenerated'>;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #latest = new Map<string, Seen>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #closed = false;

  constructor(options: ForecastRefresherOptions) {
    this.#o = { now: Date.now, intervalMs: REGENERATE_INTERVAL_MS, ...options };
  }

  /** A new score of `projectId` was stored; settles when it has been looked at (never rejects). */
  onScore(projectId: string, point: Seen): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const seen = this.#latest.get(projectId);
    // A window scored late (catching up after an outage) does not replace a newer score.
    if (!seen || Date.parse(point.timestamp) >= Date.parse(seen.timestamp)) this.#latest.set(projectId, point);
    const next = (this.#chains.get(projectId) ?? Promise.resolve())
      .then(() => this.#check(projectId))
      .catch((err: unknown) => this.#o.log.error({ err, projectId }, 'forecast regeneration failed'));
    this.#chains.set(projectId, next);
    void next.finally(() => {
      if (this.#chains.get(projectId) === next) this.#chains.delete(projectId);
    });
    return next;
  }

  /** Stops the timers and waits for the checks in hand. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    while (this.#chains.size > 0) await Promise.allSettled([...this.#chains.values()]);
  }

  async #check(projectId: string): Promise<void> {
    const point = this.#latest.get(projectId);
    if (!point || this.#closed) return;
    const { db, store, now } = this.#o;
    // Scores of another app's store in the same process (tests) are not ours to forecast.
    const project = await db.selectFrom('projects').select('id').where('id', '=', projectId).executeTakeFirst();
    if (!project) return;
    const asked = now();
    const current = await store.today(projectId);
    if (Date.parse(current.createdAt) >= asked) {
      // Made just now (the day's first, or replacing one made before any history): it has this score.
      this.#o.onRegenerated?.(projectId, 'first');
      return;
    }
    const decision = decide(current, point, now(), this.#o.intervalMs);
    if (decision.kind === 'keep') return;
    if (decision.kind === 'wait') {
      this.#recheckAt(projectId, decision.at);
      return;
    }
    this.#clearTimer(projectId);
    await store.today(projectId, true);
    this.#o.log.debug({ projectId, reason: decision.reason, score: point.score }, 'forecast regenerated');
    this.#o.onRegenerated?.(projectId, decision.reason);
  }

  #recheckAt(projectId: string, at: number): void {
    if (this.#timers.has(projectId)) return;
    const timer = setTimeout(
      () => {
        this.#timers.delete(projectId);
        const point = this.#latest.get(projectId);
        if (point) void this.onScore(projectId, point);
      },
      Math.max(0, at - this.#o.now()),
    );
    timer.unref();
    this.#timers.set(projectId, timer);
  }

  #clearTimer(projectId: string): void {
    const t = this.#timers.get(projectId);
    if (t) clearTimeout(t);
    this.#timers.delete(projectId);
  }
}
