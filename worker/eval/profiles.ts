/**
 * Healthy services the evaluation mixes incidents into. Each writes one window of realistic records
 * (pino-style JSON fields, logback-style messages, cron output), with knobs the incidents turn.
 */
import type { LogRecord } from '@cloudsage/schema';
import type { Rng } from './prng.js';

/** Knobs an incident (or a healthy variant such as a traffic peak) turns on a window. */
export interface Knobs {
  volume: number;
  /** Latency multiplier at a position 0..1 through the window. */
  latency: (at: number) => number;
  /** Heap multiplier at a position 0..1 through the window. */
  heap: (at: number) => number;
}

/** Knobs of a normal window. */
export const NORMAL: Knobs = { volume: 1, latency: () => 1, heap: () => 1 };

/** A healthy service: writes window `index` starting at `from` (ms). */
export interface Profile {
  name: string;
  service: string;
  /** Whether "traffic drop" is observable (a cron job's quiet minutes are normal). */
  steadyVolume: boolean;
  window(rng: Rng, index: number, from: number, knobs: Knobs): LogRecord[];
}

const MINUTE = 60_000;

function rec(
  time: number,
  level: LogRecord['level'],
  msg: string,
  service: string,
  attributes?: Record<string, unknown>,
): LogRecord {
  const r: LogRecord = { time: new Date(time).toISOString(), level, msg, service, host: `${service}-7d9f` };
  if (attributes !== undefined) r.attributes = attributes;
  return r;
}

/** Spread n timestamps over the window, sorted. */
function times(rng: Rng, n: number, from: number): number[] {
  const t: number[] = [];
  for (let i = 0; i < n; i++) t.push(from + Math.floor(rng.next() * MINUTE));
  return t.sort((a, b) => a - b);
}

const ROUTES = ['/api/users/:id', '/api/orders', '/api/orders/:id', '/api/cart', '/healthz', '/api/search'];

/** A JSON web API logging every request the way pino-http does. */
export const webApi: Profile = {
  name: 'web-api',
  service: 'checkout-api',
  steadyVolume: true,
  window(rng, index, from, k) {
    const out: LogRecord[] = [];
    // Daily-ish swell plus noise, around 600 requests a minute.
    const mean = 600 * (1 + 0.15 * Math.sin(index / 30)) * k.volume;
    for (const t of times(rng, rng.poisson(mean), from)) {
      const at = (t - from) / MINUTE;
      const route = rng.pick(ROUTES).replace(':id', String(rng.int(1, 99999)));
      const ms = rng.lognormal(35, 0.6) * k.latency(at);
      const r = rng.next();
      if (r < 0.004) {
        out.push(
          rec(t, 'error', 'request errored', this.service, {
            req: { method: 'GET', url: route },
            res: { statusCode: 502 },
            responseTime: Math.round(ms),
            err: { type: 'Error', message: 'upstream timeout' },
          }),
        );
      } else {
        out.push(
          rec(t, 'info', 'request completed', this.service, {
            req: { method: rng.pick(['GET', 'GET', 'POST']), url: route, id: rng.int(1, 1e6) },
            res: { statusCode: r < 0.05 ? 404 : 200 },
            responseTime: Math.round(ms * 10) / 10,
          }),
        );
      }
      if (rng.chance(0.003)) out.push(rec(t, 'warn', `slow query took ${Math.round(ms * 20)}ms`, this.service));
      if (rng.chance(0.0015)) {
        out.push(rec(t, 'error', `Connection to ${rng.ip()}:5432 reset by peer`, this.service));
      }
    }
    for (let s = 0; s < 6; s++) {
      const at = s / 6;
      const heap = 180 * 1048576 * (1 + 0.04 * rng.normal()) * k.heap(at);
      out.push(
        rec(from + s * 10_000, 'debug', 'memory usage', this.service, {
          heapUsed: Math.round(heap),
          rss: Math.round(heap * 1.6),
        }),
      );
    }
    return out.sort((a, b) => (a.time < b.time ? -1 : 1));
  },
};

/** A queue consumer logging job starts and finishes with durations, and some retries. */
export const queueWorker: Profile = {
  name: 'queue-worker',
  service: 'mailer',
  steadyVolume: true,
  window(rng, _index, from, k) {
    const out: LogRecord[] = [];
    for (const t of times(rng, rng.poisson(120 * k.volume), from)) {
      const at = (t - from) / MINUTE;
      const id = rng.uuid();
      out.push(rec(t, 'info', `job ${id} started`, this.service, { queue: 'emails' }));
      const ms = rng.lognormal(220, 0.4) * k.latency(at);
      if (rng.chance(0.02)) {
        out.push(rec(t, 'warn', `job ${id} failed, retrying (attempt ${rng.int(2, 4)} of 5)`, this.service));
      }
      if (rng.chance(0.006)) out.push(rec(t, 'error', `job ${id} failed: SMTP 421 try again later`, this.service));
      else out.push(rec(t + Math.round(ms), 'info', `job ${id} done`, this.service, { duration_ms: Math.round(ms) }));
    }
    for (let s = 0; s < 4; s++) {
      const mem = 95 * (1 + 0.05 * rng.normal()) * k.heap(s / 4);
      out.push(
        rec(from + s * 15_000, 'info', 'stats', this.service, {
          heapUsedMb: Math.round(mem),
          queueDepth: rng.int(0, 40),
        }),
      );
    }
    return out.sort((a, b) => (a.time < b.time ? -1 : 1));
  },
};

/** A cron job: a burst of batch output every fifth minute, a heartbeat in between. */
export const cronJob: Profile = {
  name: 'cron-job',
  service: 'nightly-sync',
  steadyVolume: false,
  window(rng, index, from, k) {
    const out: LogRecord[] = [];
    out.push(rec(from + 1000, 'info', 'scheduler tick', this.service));
    out.push(rec(from + 31_000, 'info', 'scheduler tick', this.service));
    if (index % 5 === 0) {
      const batches = Math.max(1, Math.round(rng.int(150, 220) * k.volume));
      out.push(rec(from + 2000, 'info', 'Starting job nightly-sync', this.service, { run: index }));
      for (let b = 0; b < batches; b++) {
        const at = b / batches;
        const ms = Math.round(rng.lognormal(120, 0.3) * k.latency(at));
        out.push(
          rec(from + 2000 + b * 200, 'info', `synced batch ${b + 1} of ${batches} (took ${ms}ms)`, this.service),
        );
        if (rng.chance(0.01))
          out.push(rec(from + 2000 + b * 200, 'warn', `skipped record ${rng.hex(24)}: missing email`, this.service));
      }
      const mem = 400 * (1 + 0.05 * rng.normal()) * k.heap(1);
      out.push(
        rec(from + 50_000, 'info', `Job finished in ${rng.int(30, 45)}s`, this.service, { rss_mb: Math.round(mem) }),
      );
    }
    return out;
  },
};

/** A logback-style Java service whose flaky cache makes 8-12% error lines, all the time, harmlessly. */
export const noisyService: Profile = {
  name: 'noisy-java',
  service: 'inventory',
  steadyVolume: true,
  window(rng, _index, from, k) {
    const out: LogRecord[] = [];
    for (const t of times(rng, rng.poisson(900 * k.volume), from)) {
      const at = (t - from) / MINUTE;
      const r = rng.next();
      if (r < 0.07) {
        out.push(
          rec(t, 'error', `c.a.i.CacheClient - cache fallback failed for key sku:${rng.int(1, 1e6)}`, this.service),
        );
      } else if (r < 0.1) {
        out.push(
          rec(
            t,
            'error',
            `c.a.i.PriceFeed - feed ${rng.pick(['eu', 'us', 'ap'])} stale, using last known prices`,
            this.service,
          ),
        );
      } else if (r < 0.16) {
        out.push(rec(t, 'warn', `o.h.e.j.s.SqlExceptionHelper - SQL Warning Code: 0, SQLState: 01000`, this.service));
      } else {
        const ms = Math.round(rng.lognormal(18, 0.5) * k.latency(at));
        out.push(
          rec(t, 'info', `c.a.i.StockController - GET /stock/${rng.int(1, 1e5)} completed in ${ms}ms`, this.service),
        );
      }
    }
    for (let s = 0; s < 3; s++) {
      const heap = 1200 * (1 + 0.04 * rng.normal()) * k.heap(s / 3);
      out.push(
        rec(from + s * 20_000, 'info', 'jvm metrics', this.service, { 'jvm.memory.used': Math.round(heap * 1048576) }),
      );
    }
    return out.sort((a, b) => (a.time < b.time ? -1 : 1));
  },
};

/** Every profile the evaluation uses. */
export const PROFILES: readonly Profile[] = [webApi, queueWorker, cronJob, noisyService];
