/**
 * The numbers of a forecast from its facts: the hourly series, the model's next 24 hours with an
 * 80% band, the confidence (feedback applied) and the pattern feedback is matched on. Both
 * forecasters start from these; the LLM is shown them and may only reword around them.
 */

import type { ForecastPoint } from '@cloudsage/schema';
import type { ForecastFacts } from './facts.js';
import { directionOf, patternKey } from './forecast-pattern.js';
import { applyFeedback, baseConfidence, type Confidence, type FeedbackEffect } from './model/confidence.js';
import { type HourlySeries, hourFloor, median, resampleHourly } from './model/resample.js';
import { predictRisk, type RiskPrediction } from './model/risk-model.js';

const HOUR_MS = 3_600_000;
/** Hours a forecast covers. */
export const HORIZON_HOURS = 24;

/** The predicted block of a Forecast. */
export interface Predicted {
  score: number;
  low: number;
  high: number;
  horizonHours: number;
  series: ForecastPoint[];
}

/** Everything numeric a forecast says. */
export interface ForecastNumbers {
  hourly: HourlySeries;
  prediction: RiskPrediction;
  predicted: Predicted;
  /** The latest score (undefined without history): the forecast's "now", not its hour's peak. */
  current: number | undefined;
  /** Median hourly score of the last 7 days (undefined without history). */
  usual: number | undefined;
  direction: 'rising' | 'falling' | 'flat';
  pattern: string;
  confidence: Confidence;
  feedback: FeedbackEffect;
  /** Hours of the day (UTC) the daily season peaks, when a season was fitted. */
  peakHourUtc?: number;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * The points the model runs on: the stored hourly peaks, with the latest point's hour holding the
 * latest score instead of its peak, so the forecast starts from where risk is now (after a
 * recovery, 0 rather than the 100 of earlier in the hour).
 */
function withLatest(facts: ForecastFacts): ForecastFacts['points'] {
  const latest = facts.latest;
  if (!latest) return facts.points;
  const hour = Math.floor(latest.timestamp / HOUR_MS);
  const earlier = facts.points.filter((p) => Math.floor(p.timestamp / HOUR_MS) < hour);
  return [...earlier, { timestamp: latest.timestamp, score: latest.score, labels: latest.labels }];
}
const clamp = (v: number) => Math.min(100, Math.max(0, v));

/**
 * Runs the model over the facts' risk points.
 *
 * @example
 * const n = forecastNumbers(facts);
 * n.predicted.high; // 58.2
 */
export function forecastNumbers(facts: ForecastFacts): ForecastNumbers {
  const points = withLatest(facts);
  // Quiet trailing hours are filled up to the last complete hour; the current hour counts once it has a point.
  const last = points.length ? points[points.length - 1]!.timestamp : facts.now;
  const hourly = resampleHourly(points, { until: Math.max(last, facts.now - HOUR_MS) });
  const prediction = predictRisk(hourly.values, { horizon: HORIZON_HOURS });
  // From the rounded scores the stored series keeps, so `forecastPattern(stored)` agrees exactly.
  const direction = directionOf(prediction.hours.map((h) => ({ score: round1(h.score) })));
  // The same leading label as `basis.labels[0]` (labels of the last 24 h), so a stored forecast
  // and a new one of the same kind get the same pattern.
  const pattern = patternKey(facts.labels.find((l) => l.last24h > 0)?.label, direction);
  const meanWidth = prediction.hours.reduce((a, h) => a + (h.high - h.low), 0) / Math.max(1, prediction.hours.length);
  const effect = applyFeedback(baseConfidence(hourly.values.length, meanWidth), facts.feedback, pattern);
  const base = hourFloor(facts.now);
  const current = facts.latest?.score ?? (hourly.values.length ? hourly.values[hourly.values.length - 1] : undefined);
  const series: ForecastPoint[] = prediction.hours.map((h, i) => {
    const score = round1(h.score);
    // Feedback widens the band about the point, keeping low <= score <= high after rounding.
    let low = Math.min(round1(clamp(h.score - (h.score - h.low) * effect.widen)), score);
    let high = Math.max(round1(clamp(h.score + (h.high - h.score) * effect.widen)), score);
    // The first hour starts at the score observed now, so its band holds it: a score that leaves
    // this band is news (the server makes a new forecast), the score the forecast began from is not.
    if (i === 0 && current !== undefined) {
      low = Math.min(low, round1(current));
      high = Math.max(high, round1(current));
    }
    return { at: new Date(base + (i + 1) * HOUR_MS).toISOString(), score, low, high };
  });
  const mean = series.reduce((a, p) => a + p.score, 0) / Math.max(1, series.length);
  const predicted: Predicted = {
    score: round1(mean),
    low: series.length ? Math.min(...series.map((p) => p.low)) : 0,
    high: series.length ? Math.max(...series.map((p) => p.high)) : 100,
    horizonHours: HORIZON_HOURS,
    series,
  };
  predicted.low = Math.min(predicted.low, predicted.score);
  predicted.high = Math.max(predicted.high, predicted.score);
  const values = hourly.values;
  const numbers: ForecastNumbers = {
    hourly,
    prediction,
    predicted,
    current,
    usual: values.length ? median(values.slice(-7 * 24)) : undefined,
    direction,
    pattern,
    confidence: effect.confidence,
    feedback: effect,
  };
  if (prediction.seasonal) {
    let best = 0;
    for (let i = 1; i < series.length; i++) if (series[i]!.score > series[best]!.score) best = i;
    numbers.peakHourUtc = new Date(Date.parse(series[best]!.at)).getUTCHours();
  }
  return numbers;
}
