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
  const n = history(stat);
  const w = prior.weight;
  const center = ((stat?.center ?? 0) * n + prior.center * w) / (n + w);
  const spread = ((stat?.spread ?? 0) * n + prior.spread * w) / (n + w);
  const sigma = SIGMA_PER_SPREAD * spread * Math.sqrt(1 + 4 / (n + 1));
  return { center, sigma, n };
}

/** Effective windows behind a statistic (`w`, or `n` in baselines from before `w` existed). */
export function history(stat: RobustStat | undefined): number {
  return stat === undefined ? 0 : (stat.w ?? stat.n);
}

/** A statistic whose effective windows are under this share of its windows was learned mostly in alarm. */
const ALARM_SHARE = 0.5;

/**
 * Whether a statistic was learned mostly from windows that scored high (each teaches a fraction of a
 * window): its center says what the incident looked like, not what is usual.
 */
export function learnedInAlarm(stat: RobustStat): boolean {
  return history(stat) < ALARM_SHARE * stat.n;
}

/**
 * Signed z of observing `k` events where `lambda` were expected: the Poisson deviance
 * (sign(k - lambda) * sqrt(2 (k ln(k / lambda) - (k - lambda)))), which is exact in the tails where a
 * normal approximation is not, continuous and increasing in k. `extraVar` is the variance beyond
 * Poisson noise (the project's own window-to-window spread, as in a negative binomial); z is then at
 * most (k - lambda) / sqrt(lambda + extraVar).
 *
 * @example
 * poissonZ(10, 2); // ~4.0: ten events where two were expected
 */
export function poissonZ(k: number, lambda: number, extraVar = 0): number {
  const lam = Math.max(lambda, 1e-3);
  const dev = k > 0 ? k * Math.log(k / lam) - (k - lam) : lam;
  const z = Math.sqrt(2 * Math.max(dev, 0));
  // With overdispersion the count is judged against its wider spread; the deviance keeps small
  // counts honest (ten where two were expected is not 5.7 sigmas of a normal).
  const wide = Math.abs(k - lam) / Math.sqrt(lam + Math.max(0, extraVar));
  return k >= lam ? Math.min(z, wide) : -Math.min(z, wide);
}

/**
 * Least expected count of events in a window that a count is judged against: one line is not proof.
 * However rare an event usually is (an error in a sparse source, a template), a single one is then
 * z ~1.7 (surprise ~0.1), not the z ~3.4 of 1 where 0.001 were expected (loghub's Mac sample: one error in
 * 4 lines read 33).
 */
export const MIN_EXPECTED_COUNT = 0.1;

/** z at which {@link surprise} reads 0.6 (a clear incident) on its own. */
export const Z_HIGH = 5.2;

/**
 * Risk in [0, 1] from a z-score: 1 - e^(-(z / 5.2)^2). No threshold: every bit of evidence counts
 * (z 1 -> 0.04, 2 -> 0.14, 3 -> 0.28, 4 -> 0.45, 5.2 -> 0.63, 7 -> 0.84), so windows rank by evidence
 * while ordinary noise (z under 2-3) stays well under "elevated".
 */
export function surprise(z: number): number {
  if (!(z > 0)) return 0;
  const u = z / Z_HIGH;
  return 1 - Math.exp(-u * u);
}

/**
 * How large a change is in practice, in [0, 1]: 1 - e^(-x), x the change in units of what is worth
 * a look (e.g. a ratio's log over ln 2). Multiplies a statistical surprise, so a busy service's tiny
 * but significant drift does not read as an incident.
 */
export function effect(x: number): number {
  return x > 0 ? 1 - Math.exp(-x) : 0;
}

/** `1 line`, `2 lines`: a count with its noun in the right number. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${count(n)} ${Math.round(n) === 1 ? noun : nouns}`;
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
