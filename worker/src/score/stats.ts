/**
 * Small statistics used by every signal: robust z-scores against a baseline with cold-start priors,
 * the mapping from evidence to a calibrated risk, and percentiles.
 */
import type { RobustStat } from '@cloudsage/schema';

/** Mean absolute deviation times this estimates a normal distribution's sigma. */
export const SIGMA_PER_SPREAD = 1.2533;

/** A prior for cold start: what a typical healthy service shows, and how much it counts (in windows). */
export interface Prior {
  center: number;
  spread: number;
  weight: number;
}

/** Center and sigma of a signal: the baseline blended with a prior while the baseline is young. */
export interface Expectation {
  center: number;
  sigma: number;
  n: number;
}

/**
 * Blends a baseline statistic with a prior: with n windows of history the prior counts as `weight`
 * windows, so a young baseline leans on sane absolute values and an old one on the project's own.
 * Sigma is inflated for small n, because a spread from three windows is itself noisy.
 */
export function expectation(stat: RobustStat | undefined, prior: Prior): Expectation {
  const n = stat?.n ?? 0;
  const w = prior.weight;
  const center = ((stat?.center ?? 0) * n + prior.center * w) / (n + w);
  const spread = ((stat?.spread ?? 0) * n + prior.spread * w) / (n + w);
  const sigma = SIGMA_PER_SPREAD * spread * Math.sqrt(1 + 4 / (n + 1));
  return { center, sigma, n };
}

/**
 * Risk in [0, 1] from evidence `x`: 0 up to `start`, then 1 - e^(-(x - start)/scale).
 * At `start + scale` it reads 0.63; the curve saturates, so no single signal runs away.
 */
export function rise(x: number, start: number, scale: number): number {
  if (!(x > start)) return 0;
  return 1 - Math.exp(-(x - start) / scale);
}

/** The q-quantile (0..1) of values, sorting them in place. */
export function quantile(values: number[] | Float64Array, q: number): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  const pos = (values.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(values.length - 1, lo + 1);
  return values[lo]! + (values[hi]! - values[lo]!) * (pos - lo);
}

/** Formats a fraction as a percentage with one decimal (`12.5%`). */
export function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.001 && x > 0 ? 2 : 1)}%`;
}

/** Formats a count with thousands separators (`1,200`). */
export function count(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}
