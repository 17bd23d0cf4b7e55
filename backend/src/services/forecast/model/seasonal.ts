/**
 * The daily season: risk follows traffic, and traffic follows the clock. With hourly points the
 * period is 24. These helpers choose starting states for the smoothing filter.
 */

import type { HoltInit } from './holt-damped.js';

/** Hours in the daily season. */
export const DAILY_PERIOD = 24;

/** Points needed before a season is even tried: two full days, so a phase is seen twice. */
export const MIN_SEASONAL_POINTS = 2 * DAILY_PERIOD;

function mean(xs: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i]!;
  return s / Math.max(1, to - from);
}

/**
 * Starting level and trend without a season: the mean of the first few points and no trend, so a
 * trend has to be earned by the data rather than read off two noisy starting points.
 *
 * @example
 * initialNonSeasonal([10, 12, 11]); // { level: 11, trend: 0, season: [] }
 */
export function initialNonSeasonal(y: ArrayLike<number>): HoltInit {
  const k = Math.min(y.length, 6);
  return { level: mean(y, 0, k), trend: 0, season: [] };
}

/**
 * Starting state with an additive season of `period`: each phase's offset is its average deviation
 * from its own day's mean over the first (up to 4) complete days, centred to sum to zero; the level
 * is the first day's mean and the trend the day-over-day change of the means, per hour.
 *
 * @example
 * const init = initialSeasonal(hourly, 24); // init.season.length === 24
 */
export function initialSeasonal(y: ArrayLike<number>, period = DAILY_PERIOD): HoltInit {
  const days = Math.min(4, Math.floor(y.length / period));
  if (days < 2) throw new RangeError(`a seasonal start needs two periods, got ${y.length} points`);
  const season = new Array<number>(period).fill(0);
  for (let d = 0; d < days; d++) {
    const dayMean = mean(y, d * period, (d + 1) * period);
    for (let i = 0; i < period; i++) season[i]! += (y[d * period + i]! - dayMean) / days;
  }
  const centre = season.reduce((a, b) => a + b, 0) / period;
  for (let i = 0; i < period; i++) season[i]! -= centre;
  const first = mean(y, 0, period);
  const last = mean(y, (days - 1) * period, days * period);
  // The level starts where the first day's mean sits at its middle, stepped back to time -1.
  const trend = (last - first) / ((days - 1) * period);
  return { level: first - trend * (period / 2), trend, season };
}
