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
 * A range of the user's own (`?range=custom&from=<ISO>&to=<ISO>`), typed in or dragged on the chart.
 * It shares `from`/`to` with a window opened from a chart point, so the logs list it unchanged.
 */
export interface CustomRange {
  from: number;
  to: number;
}

/** The page's range: a preset up to now, or a custom span in epoch milliseconds. */
export type PageRange = { id: RangeId } | ({ id: 'custom' } & CustomRange);

/** The narrowest custom range: a minute, about one score window. */
export const MIN_CUSTOM_MS = MINUTE;
/** How far back a custom range may start (the history API's limit is ten years; a year is plenty). */
export const MAX_CUSTOM_BACK_MS = 366 * DAY;

/** Why a custom range is refused, or undefined for a sound one. */
export function customRangeError(from: number, to: number, nowMs: number): string | undefined {
  if (!Number.isFinite(from) || !Number.isFinite(to)) return 'Enter both a start and an end.';
  if (from >= to) return 'The start must be before the end.';
  if (to - from < MIN_CUSTOM_MS) return 'The range must be at least a minute long.';
  if (from < nowMs - MAX_CUSTOM_BACK_MS) return 'The start must be within the last year.';
  if (from > nowMs) return 'The start must not be in the future.';
  return undefined;
}

/** The page's range from the query: a sound custom range, else the preset (or the default). */
export function pageRangeOf(query: URLSearchParams, nowMs = Date.now()): PageRange {
  if (query.get('range') === 'custom') {
    const from = Date.parse(query.get('from') ?? '');
    const to = Date.parse(query.get('to') ?? '');
    if (customRangeError(from, to, nowMs) === undefined) return { id: 'custom', from, to };
    return { id: DEFAULT_RANGE };
  }
  return { id: rangeOf(query) };
}

/** The query changes that show a custom range (for `setQuery`/`navigate`). */
export function customQuery(range: CustomRange): { range: 'custom'; from: string; to: string } {
  return { range: 'custom', from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() };
}

/** Days of risk history to fetch: a custom range needs every day back to its start. */
export function pageRangeDays(range: PageRange, nowMs: number): number {
  if (range.id !== 'custom') return rangeDays(range.id);
  return Math.max(1, Math.ceil((nowMs - range.from) / DAY));
}

/** The chart's x axis of a page range; a custom one ending near now leaves room for the forecast. */
export function pageChartBounds(range: PageRange, nowMs: number, forecastEndMs?: number): { min: number; max: number } {
  if (range.id !== 'custom') return chartBounds(range.id, nowMs, forecastEndMs);
  const span = range.to - range.from;
  const reachesNow = range.to >= nowMs - MINUTE;
  const ahead =
    reachesNow && forecastEndMs !== undefined && forecastEndMs > range.to
      ? Math.min(span / 3, forecastEndMs - range.to)
      : 0;
  return { min: Math.floor(range.from / 1000), max: Math.ceil((range.to + ahead) / 1000) };
}

/** A zoom's span widened about its middle to the narrowest custom range. */
export function zoomRange(fromMs: number, toMs: number): CustomRange {
  const [a, b] = fromMs <= toMs ? [fromMs, toMs] : [toMs, fromMs];
  if (b - a >= MIN_CUSTOM_MS) return { from: Math.round(a), to: Math.round(b) };
  const mid = (a + b) / 2;
  return { from: Math.round(mid - MIN_CUSTOM_MS / 2), to: Math.round(mid + MIN_CUSTOM_MS / 2) };
}

/** A custom range as the viewer reads it, in their time zone. */
export function customRangeLabel(range: CustomRange): string {
  const f = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return f.formatRange(range.from, range.to);
}

/** The chart's title words for a range: "last 1 h", or the custom span. */
export function pageRangeLabel(range: PageRange): string {
  return range.id === 'custom' ? customRangeLabel(range) : `last ${RANGE_LABEL[range.id]}`;
}

/** `yyyy-MM-ddTHH:mm` in the viewer's time zone, the value of a `datetime-local` input. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A `datetime-local` value (viewer's time zone) in epoch ms, NaN when empty or malformed. */
export function fromLocalInput(value: string): number {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? new Date(value).getTime() : Number.NaN;
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
