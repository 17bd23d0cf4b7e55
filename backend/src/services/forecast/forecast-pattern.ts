/**
 * The "pattern" of a forecast, so that feedback on one forecast can speak to the next one like
 * it: the label it led with and the direction it predicted. Computed from the stored payload
 * alone, so every forecast ever written has one without a schema change.
 */

import type { Forecast } from '@cloudsage/schema';

/** Score points the predicted series must move over 24 h to count as rising or falling. */
const DIRECTION_STEP = 5;

/** Predicted direction of a series of hourly scores. */
export function directionOf(series: readonly { score: number }[]): 'rising' | 'falling' | 'flat' {
  if (series.length < 2) return 'flat';
  const delta = series[series.length - 1]!.score - series[0]!.score;
  if (delta >= DIRECTION_STEP) return 'rising';
  if (delta <= -DIRECTION_STEP) return 'falling';
  return 'flat';
}

/**
 * `<leading label or "none">|<direction>`, e.g. `High Error Rate|falling`.
 *
 * @example
 * forecastPattern(forecast); // 'Latency Spike|rising'
 */
export function forecastPattern(forecast: Pick<Forecast, 'predicted' | 'basis'>): string {
  return patternKey(forecast.basis.labels?.[0], directionOf(forecast.predicted.series));
}

/** The pattern key of a leading label and a direction. */
export function patternKey(label: string | undefined, direction: string): string {
  return `${label ?? 'none'}|${direction}`;
}
