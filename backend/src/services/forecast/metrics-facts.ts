/**
 * Per-minute metrics as forecast facts: the last 24 hours against the 24 before, and the hourly
 * trend of the error rate and volume within the last 24 hours.
 */

import type { Kysely, Selectable } from 'kysely';
import type { Database, MinuteMetricsTable } from '../../store/sql/database.js';
import type { MetricsFacts, PeriodMetrics } from './facts.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

type Row = Pick<
  Selectable<MinuteMetricsTable>,
  | 'minute'
  | 'records'
  | 'count_warn'
  | 'count_error'
  | 'count_fatal'
  | 'latency_count'
  | 'latency_sum'
  | 'latency_max'
  | 'memory_max_mb'
>;

/** Sums rows into one period's figures. */
export function summarise(rows: readonly Row[]): PeriodMetrics {
  let records = 0;
  let warn = 0;
  let errors = 0;
  let latCount = 0;
  let latSum = 0;
  let latMax = 0;
  let memMax = 0;
  for (const r of rows) {
    records += Number(r.records);
    warn += Number(r.count_warn);
    errors += Number(r.count_error) + Number(r.count_fatal);
    latCount += Number(r.latency_count);
    latSum += Number(r.latency_sum);
    latMax = Math.max(latMax, Number(r.latency_max));
    memMax = Math.max(memMax, Number(r.memory_max_mb));
  }
  const out: PeriodMetrics = {
    minutes: rows.length,
    records,
    warn,
    errors,
    errorRate: records > 0 ? errors / records : 0,
  };
  if (latCount > 0) {
    out.latencyAvgMs = latSum / latCount;
    out.latencyMaxMs = latMax;
  }
  if (memMax > 0) out.memoryMaxMb = memMax;
  return out;
}

/** Least-squares slope of `ys` against 0..n-1 (0 with fewer than two points). */
export function slope(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (i - mx) * (ys[i]! - my);
    den += (i - mx) ** 2;
  }
  return den > 0 ? num / den : 0;
}

/**
 * The metrics facts of a project at `now`.
 *
 * @example
 * const m = await metricsFacts(db, 'p1', Date.now());
 * m.last24h.errorRate; // 0.031
 */
export async function metricsFacts(db: Kysely<Database>, projectId: string, now: number): Promise<MetricsFacts> {
  const rows = await db
    .selectFrom('minute_metrics')
    .select([
      'minute',
      'records',
      'count_warn',
      'count_error',
      'count_fatal',
      'latency_count',
      'latency_sum',
      'latency_max',
      'memory_max_mb',
    ])
    .where('project_id', '=', projectId)
    .where('minute', '>=', now - 2 * DAY_MS)
    .where('minute', '<', now)
    .execute();
  const cut = now - DAY_MS;
  const last = rows.filter((r) => Number(r.minute) >= cut);
  const previous = rows.filter((r) => Number(r.minute) < cut);
  // Hourly error rate and volume over the last 24 h, for the within-day trend.
  const hourRecords = new Array<number>(24).fill(0);
  const hourErrors = new Array<number>(24).fill(0);
  for (const r of last) {
    const h = Math.min(23, Math.floor((Number(r.minute) - cut) / HOUR_MS));
    hourRecords[h]! += Number(r.records);
    hourErrors[h]! += Number(r.count_error) + Number(r.count_fatal);
  }
  const active = hourRecords.map((c, i) => ({ c, i })).filter((x) => x.c > 0);
  const rates = active.map((x) => hourErrors[x.i]! / x.c);
  const meanVolume = hourRecords.reduce((a, b) => a + b, 0) / 24;
  return {
    last24h: summarise(last),
    previous24h: summarise(previous),
    errorRateSlopePerHour: slope(rates),
    volumeSlopePerHour: meanVolume > 0 ? slope(hourRecords) / meanVolume : 0,
  };
}
