import { randomUUID } from 'node:crypto';
import { Forecast } from '@cloudsage/schema';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Bucket } from './bucket/bucket.js';
import type { Database } from './sql/database.js';

/** Makes a new forecast for a project (the forecast engine: facts gathered, model run). */
export type GenerateForecast = (projectId: string, now: number) => Promise<Forecast>;

/** What the store needs; the generation lock timing is a setting so tests run short. */
export interface ForecastStoreOptions {
  db: Kysely<Database>;
  bucket: Bucket;
  generate: GenerateForecast;
  log: FastifyBaseLogger;
  now?: () => number;
  /** Called after a new forecast is stored (SSE event, alert check); errors are logged. */
  onForecast?: (projectId: string, forecast: Forecast) => void | Promise<void>;
  lockMs?: number;
  waitStepMs?: number;
  /**
   * Whether today's cached forecast should be made again before the day ends (e.g. it was made
   * before the project had any history and now it has). Asked on every cache hit; keep it cheap.
   */
  isStale?: (projectId: string, forecast: Forecast) => Promise<boolean>;
}

/** The UTC date (yyyy-mm-dd) of an instant: "today" of the forecast contract (docs/architecture.md, "Forecasts"). */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The bucket key of a project's forecast copy for a day. */
export function forecastObjectKey(projectId: string, date: string): string {
  return `forecasts/${projectId}/${date}.json`;
}

/**
 * Today's forecast per project: made at most once a day (unless refreshed), stored in the
 * `forecasts` table with a JSON copy in the bucket. Concurrent first requests generate once: in a
 * process they share one promise, across replicas a lease in SQL elects one generator while the
 * others wait for its row.
 */
export class ForecastStore {
  readonly #o: Required<Omit<ForecastStoreOptions, 'onForecast' | 'isStale'>> &
    Pick<ForecastStoreOptions, 'onForecast' | 'isStale'>;
  readonly #inFlight = new Map<string, Promise<Forecast>>();
  readonly #holder = `f_${randomUUID()}`;

  constructor(options: ForecastStoreOptions) {
    this.#o = { now: Date.now, lockMs: 60_000, waitStepMs: 100, ...options };
  }

  /** Today's forecast, generated if there is none yet or `refresh` is set. */
  async today(projectId: string, refresh = false): Promise<Forecast> {
    const date = utcDate(this.#o.now());
    if (!refresh) {
      const cached = await this.#latest(projectId, date);
      if (cached && !(await this.#o.isStale?.(projectId, cached))) return cached;
      // A stale forecast is replaced like a refresh: the new one is newer than it.
      if (cached) refresh = true;
    }
    const key = `${projectId}:${date}:${refresh ? 'refresh' : 'first'}`;
    let running = this.#inFlight.get(key);
    if (!running) {
      running = this.#generateOnce(projectId, date, refresh).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, running);
    }
    return running;
  }

  /** The forecast with this id if it belongs to the project. */
  async byId(projectId: string, forecastId: string): Promise<Forecast | undefined> {
    const row = await this.#o.db
      .selectFrom('forecasts')
      .select('payload')
      .where('id', '=', forecastId)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return row ? (JSON.parse(row.payload) as Forecast) : undefined;
  }

  async #latest(projectId: string, date: string, after = 0): Promise<Forecast | undefined> {
    const row = await this.#o.db
      .selectFrom('forecasts')
      .select('payload')
      .where('project_id', '=', projectId)
      .where('date', '=', date)
      .where('created_at', '>=', after)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? (JSON.parse(row.payload) as Forecast) : undefined;
  }

  async #generateOnce(projectId: string, date: string, refresh: boolean): Promise<Forecast> {
    const { db, lockMs, waitStepMs, now } = this.#o;
    const asked = now();
    const lockName = `forecast:${projectId}`;
    const deadline = asked + lockMs;
    for (;;) {
      const t = now();
      const taken = await db
        .insertInto('leases')
        .values({ name: lockName, holder: this.#holder, expires_at: t + lockMs })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ holder: this.#holder, expires_at: t + lockMs })
            .where('leases.expires_at', '<=', t),
        )
        .executeTakeFirst();
      if (Number(taken.numInsertedOrUpdatedRows ?? 0) === 1) break;
      // Another replica is generating: its result answers this request too.
      const theirs = await this.#latest(projectId, date, refresh ? asked : 0);
      if (theirs) return theirs;
      if (now() > deadline) break; // The holder died; its lease is about to expire anyway.
      await new Promise((r) => setTimeout(r, waitStepMs));
    }
    try {
      if (!refresh) {
        const made = await this.#latest(projectId, date);
        if (made) return made;
      }
      return await this.#generate(projectId, date);
    } finally {
      await db.deleteFrom('leases').where('name', '=', lockName).where('holder', '=', this.#holder).execute();
    }
  }

  async #generate(projectId: string, date: string): Promise<Forecast> {
    const { db, bucket, log } = this.#o;
    const made = Forecast.parse({ ...(await this.#o.generate(projectId, this.#o.now())), projectId, date });
    const createdAt = Date.parse(made.createdAt);
    await db
      .insertInto('forecasts')
      .values({
        id: made.id,
        project_id: projectId,
        date,
        payload: JSON.stringify(made),
        generated_by: made.generatedBy,
        created_at: Number.isFinite(createdAt) ? createdAt : this.#o.now(),
      })
      .execute();
    // The bucket copy is a convenience for exports; the table is the source of truth.
    await bucket.put(forecastObjectKey(projectId, date), Buffer.from(JSON.stringify(made))).catch((err) => {
      log.warn({ err, projectId }, 'forecast copy to bucket failed');
    });
    if (this.#o.onForecast) {
      try {
        await this.#o.onForecast(projectId, made);
      } catch (err) {
        log.error({ err, projectId }, 'onForecast hook failed');
      }
    }
    return made;
  }
}
