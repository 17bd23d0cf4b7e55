/**
 * When a new score makes today's forecast out of date (docs/architecture.md, "Forecasts"): the
 * score left the band of the forecast's first hour (`predicted.series[0]`), or the labels differ
 * from the ones the forecast started from. At most once per interval per project, so a flapping
 * label or a noisy score costs one forecast per interval, not one per scoring window.
 */

import type { Forecast, RiskPoint } from '@cloudsage/schema';

/** Shortest time between two forecasts of a project made because of scores. */
export const REGENERATE_INTERVAL_MS = 5 * 60_000;

/** Why a score calls for a new forecast. */
export type RegenerateReason = 'band' | 'labels' | 'no-now';

/** What a score means for today's forecast. */
export type RegenerateDecision =
  | { kind: 'keep' }
  | { kind: 'regenerate'; reason: RegenerateReason }
  /** Out of date, but the last forecast is younger than the interval: look again at `at`. */
  | { kind: 'wait'; reason: RegenerateReason; at: number };

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((l) => y.has(l));
}

/** Whether `point` makes `forecast` out of date, ignoring the interval. */
export function staleReason(
  forecast: Forecast,
  point: Pick<RiskPoint, 'score' | 'labels'>,
): RegenerateReason | undefined {
  // A forecast from before `now` existed does not say what it started from: replace it once.
  if (!forecast.now) return 'no-now';
  const first = forecast.predicted.series[0];
  if (first && (point.score < first.low || point.score > first.high)) return 'band';
  if (!sameLabels(forecast.now.labels, point.labels)) return 'labels';
  return undefined;
}

/**
 * The decision for one new score.
 *
 * @example
 * decide(forecast, { score: 0, labels: [] }, Date.now()); // { kind: 'regenerate', reason: 'band' }
 */
export function decide(
  forecast: Forecast,
  point: Pick<RiskPoint, 'score' | 'labels'>,
  now: number,
  intervalMs = REGENERATE_INTERVAL_MS,
): RegenerateDecision {
  const reason = staleReason(forecast, point);
  if (!reason) return { kind: 'keep' };
  const due = Date.parse(forecast.createdAt) + intervalMs;
  return now >= due ? { kind: 'regenerate', reason } : { kind: 'wait', reason, at: due };
}
