/**
 * Risk points arrive at any spacing (one per scored window, usually a minute, with holes while a
 * service is quiet). The models need a regular hourly series, so this module buckets points by
 * UTC hour and fills the holes.
 */

const HOUR_MS = 3_600_000;

/** A regular hourly series: `values[i]` is the hour starting at `start + i * 1 h`. */
export interface HourlySeries {
  /** Epoch ms of the first hour (aligned to the UTC hour). */
  start: number;
  values: number[];
  /** Whether hour `i` had at least one risk point (false: filled). */
  observed: boolean[];
}

/** How hours are summarised and holes filled. */
export interface ResampleOptions {
  /**
   * `max` (default): the hour's peak, what an alert on that hour would have seen; `mean`: its
   * average, smoother but hides short spikes.
   */
  aggregate?: 'max' | 'mean';
  /** Hours at or after the hour containing `until` are left out (default: the last point's hour). */
  until?: number;
  /** Oldest hours kept (default 30 days = 720). */
  maxHours?: number;
  /** Level that filled hours decay toward (default: the median of the observed hours). */
  baseline?: number;
  /** Half-life of that decay in hours (default 6). */
  halfLifeHours?: number;
}

/** Epoch ms of the start of the UTC hour containing `t`. */
export function hourFloor(t: number): number {
  return Math.floor(t / HOUR_MS) * HOUR_MS;
}

/** Median of a non-empty array (NaN when empty); copies, so the input keeps its order. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Buckets risk points into UTC hours and fills hours without points.
 *
 * Why the fill decays: no risk point for an hour means nothing was scored, which in practice is a
 * quiet service, so the last level is carried forward but relaxes toward the project's usual level
 * (half-life 6 h) instead of holding an incident's peak for days. Leading empty hours are not
 * invented: the series starts at the first point's hour. When `until` lies past the last point, the
 * trailing hours up to it are filled the same way.
 *
 * @example
 * const s = resampleHourly([{ timestamp: Date.parse('2026-01-01T10:05:00Z'), score: 40 }]);
 * // s.values = [40], s.start = Date.parse('2026-01-01T10:00:00Z')
 */
export function resampleHourly(
  points: readonly { timestamp: number; score: number }[],
  options: ResampleOptions = {},
): HourlySeries {
  const aggregate = options.aggregate ?? 'max';
  const maxHours = options.maxHours ?? 720;
  let lastT = Number.NEGATIVE_INFINITY;
  for (const p of points) if (p.timestamp > lastT && Number.isFinite(p.score)) lastT = p.timestamp;
  const endHour = options.until === undefined ? hourFloor(lastT) : hourFloor(options.until);
  if (!Number.isFinite(endHour)) return { start: 0, values: [], observed: [] };
  const firstAllowed = endHour - (maxHours - 1) * HOUR_MS;

  // One pass: sums, counts and maxima per hour index (points may come in any order).
  let first = Number.POSITIVE_INFINITY;
  for (const p of points) {
    const h = hourFloor(p.timestamp);
    if (h >= firstAllowed && h <= endHour && Number.isFinite(p.score) && h < first) first = h;
  }
  if (!Number.isFinite(first)) return { start: endHour, values: [], observed: [] };
  const n = (endHour - first) / HOUR_MS + 1;
  const sum = new Float64Array(n);
  const max = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  const count = new Uint32Array(n);
  for (const p of points) {
    if (!Number.isFinite(p.score)) continue;
    const i = (hourFloor(p.timestamp) - first) / HOUR_MS;
    if (i < 0 || i >= n) continue;
    const v = Math.min(100, Math.max(0, p.score));
    sum[i]! += v;
    count[i]! += 1;
    if (v > max[i]!) max[i] = v;
  }

  const observedValues: number[] = [];
  for (let i = 0; i < n; i++)
    if (count[i]! > 0) observedValues.push(aggregate === 'max' ? max[i]! : sum[i]! / count[i]!);
  const baseline = options.baseline ?? median(observedValues);
  const decay = 0.5 ** (1 / (options.halfLifeHours ?? 6));

  const values = new Array<number>(n);
  const observed = new Array<boolean>(n);
  let last = baseline;
  for (let i = 0; i < n; i++) {
    if (count[i]! > 0) {
      last = aggregate === 'max' ? max[i]! : sum[i]! / count[i]!;
      observed[i] = true;
    } else {
      // One hour further from the last real reading: move a step toward the baseline.
      last = baseline + (last - baseline) * decay;
      observed[i] = false;
    }
    values[i] = last;
  }
  return { start: first, values, observed };
}
