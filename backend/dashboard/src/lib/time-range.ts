/**
 * The time range the project page shows (`?range=1h`), shared by the history chart and the logs:
 * the chart gives history the range's width, and the logs list what arrived within it.
 */

export const RANGES = ['15m', '1h', '6h', '24h', '7d', '30d'] as const;
export type RangeId = (typeof RANGES)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const RANGE_MS: Record<RangeId, number> = {
  '15m': 15 * MINUTE,
  '1h': HOUR,
  '6h': 6 * HOUR,
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
};

/** Button text of each range, short enough for six in a row on a phone. */
export const RANGE_LABEL: Record<RangeId, string> = {
  '15m': '15 min',
  '1h': '1 h',
  '6h': '6 h',
  '24h': '24 h',
  '7d': '7 d',
  '30d': '30 d',
};

/** What a page without `?range` shows: a day is a day's history and a day's logs. */
export const DEFAULT_RANGE: RangeId = '24h';

/** The range named by the query's `range`, or the default for a missing or unknown one. */
export function rangeOf(query: URLSearchParams): RangeId {
  const r = query.get('range');
  return (RANGES as readonly string[]).includes(r ?? '') ? (r as RangeId) : DEFAULT_RANGE;
}

export function rangeMs(range: RangeId): number {
  return RANGE_MS[range];
}

/** Whole days of risk history a range needs (the history API counts in days). */
export function rangeDays(range: RangeId): number {
  return Math.max(1, Math.ceil(RANGE_MS[range] / DAY));
}

/**
 * The chart's x axis in epoch seconds: history takes the whole range up to now, and the forecast
 * gets a third of the range more on the right (never more than it predicts), so a 15-minute view
 * is not squeezed by a 24-hour forecast.
 */
export function chartBounds(range: RangeId, nowMs: number, forecastEndMs?: number): { min: number; max: number } {
  const span = RANGE_MS[range];
  const ahead = forecastEndMs !== undefined && forecastEndMs > nowMs ? Math.min(span / 3, forecastEndMs - nowMs) : 0;
  return { min: Math.floor((nowMs - span) / 1000), max: Math.ceil((nowMs + ahead) / 1000) };
}

/**
 * The logs behind one risk point: a score covers what arrived in its window, and shippers send
 * records minutes after they were written, so the window reaches five minutes back and one ahead.
 */
export function pointWindow(timestampMs: number): { from: string; to: string } {
  return {
    from: new Date(timestampMs - 5 * MINUTE).toISOString(),
    to: new Date(timestampMs + MINUTE).toISOString(),
  };
}
