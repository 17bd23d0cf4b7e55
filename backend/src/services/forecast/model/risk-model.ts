/**
 * The numbers of a forecast: from an hourly risk series to the next `horizon` hours with an
 * interval. Chooses between the fitted damped-trend model and, with too little history to fit
 * anything honestly, a flat line at the recent level.
 */

import { fitDampedHolt } from './fit-holt.js';
import { holtForecast } from './holt-damped.js';
import { intervalOffsets, normalQuantile, residualSd } from './prediction-interval.js';

/** Fewer hourly points than this and no trend is fitted: the text says so instead of inventing one. */
export const MIN_TREND_POINTS = 6;

/**
 * Calibration of the interval width, measured by `pnpm eval:forecast` on the generated series:
 * in-sample errors of a model fitted to the same points run slightly small out of sample.
 */
export const INTERVAL_INFLATE = 1.0;

/** With no spread to measure, the band is this wide on each side (score points), a "we don't know". */
const PRIOR_HALF_WIDTH = 15;

/** One predicted hour. */
export interface PredictedHour {
  score: number;
  low: number;
  high: number;
}

/** What the model predicts and how it got there. */
export interface RiskPrediction {
  hours: PredictedHour[];
  method: string;
  /** A trend was fitted (false with little history). */
  trend: boolean;
  seasonal: boolean;
  /** Standard deviation of the one-step errors (NaN when nothing was fitted). */
  residualSd: number;
  /** Fitted parameters, for the notes. */
  params?: { alpha: number; beta: number; phi: number; gamma: number };
}

/** Options of {@link predictRisk}. */
export interface PredictOptions {
  horizon?: number;
  /** Nominal interval coverage (default 0.8). */
  coverage?: number;
  /** Interval calibration factor (default {@link INTERVAL_INFLATE}). */
  inflate?: number;
}

const clamp = (v: number) => Math.min(100, Math.max(0, v));

function flat(values: readonly number[], horizon: number, coverage: number): RiskPrediction {
  const recent = values.slice(-3);
  const level = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : 0;
  let sd = 0;
  if (values.length >= 2) {
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    sd = Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
  }
  // A few points say little about the spread: never narrower than the prior.
  const half = Math.max(PRIOR_HALF_WIDTH, normalQuantile((1 + coverage) / 2) * sd * 1.5);
  const hours = Array.from({ length: horizon }, () => ({
    score: clamp(level),
    low: clamp(level - half),
    high: clamp(level + half),
  }));
  return {
    hours,
    method: values.length ? 'recent level (too little history for a trend)' : 'no history',
    trend: false,
    seasonal: false,
    residualSd: Number.NaN,
  };
}

/**
 * Predicts the next `horizon` hours (default 24) of an hourly risk series, clamped to 0-100.
 *
 * @example
 * const p = predictRisk(hourly.values);
 * p.hours[0]; // { score: 42.1, low: 35.0, high: 51.2 } for the next hour
 */
export function predictRisk(values: readonly number[], options: PredictOptions = {}): RiskPrediction {
  const horizon = options.horizon ?? 24;
  const coverage = options.coverage ?? 0.8;
  if (values.length < MIN_TREND_POINTS) return flat(values, horizon, coverage);
  const fit = fitDampedHolt(values);
  const { trace } = fit;
  const origin = values.length - 1;
  const band = intervalOffsets(values, trace, horizon, coverage, options.inflate ?? INTERVAL_INFLATE);
  const hours: PredictedHour[] = [];
  for (let h = 1; h <= horizon; h++) {
    const point = holtForecast(trace, origin, h);
    hours.push({
      score: clamp(point),
      low: clamp(point + band.lower[h - 1]!),
      high: clamp(point + band.upper[h - 1]!),
    });
  }
  return {
    hours,
    method: fit.seasonal
      ? 'damped-trend exponential smoothing with daily season (additive Holt-Winters)'
      : 'damped-trend exponential smoothing (additive Holt)',
    trend: true,
    seasonal: fit.seasonal,
    residualSd: residualSd(trace),
    params: trace.params,
  };
}
