/**
 * The forecast's first sentence and its "now": the latest score with its band and leading label,
 * and the next 24 hours in numbers. The dashboard shows it above the actions, next to the current
 * score, so it must say the same score (the latest one, not an hour's peak).
 */

import type { ForecastNow } from '@cloudsage/schema';
import type { ForecastFacts } from './facts.js';
import type { ForecastNumbers } from './forecast-numbers.js';
import { score } from './format.js';
import { scoreParts } from './score-parts.js';

const DAY_MS = 86_400_000;

/** The dashboard's colour bands: 0-30 normal, 30-60 elevated, 60+ high. */
export function bandName(v: number): 'normal' | 'elevated' | 'high' {
  return v >= 60 ? 'high' : v >= 30 ? 'elevated' : 'normal';
}

/** The leading label now: the largest part of the latest score, else its first label. */
function leadingLabel(facts: ForecastFacts): string | undefined {
  const latest = facts.latest;
  if (!latest || latest.labels.length === 0) return undefined;
  const top = [...latest.contributions].sort((a, b) => b.points - a.points)[0];
  return top && latest.labels.includes(top.label) ? top.label : latest.labels[0];
}

/**
 * One sentence: risk now with its band and leading label, a recent peak it came down from, and
 * the next 24 hours (average and 80% range).
 *
 * @example
 * forecastHeadline(facts, n); // 'Risk for shop is 12 now (normal), down from 100 in the last 24 h; next 24 h about 10 (likely 0-35).'
 */
export function forecastHeadline(facts: ForecastFacts, n: ForecastNumbers): string {
  if (n.current === undefined) return `No risk scores yet for ${facts.projectName}: nothing has been scored.`;
  const now = Math.round(n.current);
  const lead = leadingLabel(facts);
  let s = `Risk for ${facts.projectName} is ${score(now)} now (${bandName(now)}${lead ? `, led by ${lead}` : ''})`;
  const day = facts.points.filter((p) => p.timestamp >= facts.now - DAY_MS);
  const peak = day.reduce((a, p) => Math.max(a, p.score), 0);
  if (peak - now >= 30) s += `, down from ${score(peak)} in the last 24 h`;
  const p = n.predicted;
  return `${s}; next ${p.horizonHours} h about ${score(p.score)} (likely ${score(p.low)}-${score(p.high)}).`;
}

/** The latest point as the forecast's `now`, its parts adding up to the score shown. */
export function forecastNow(facts: ForecastFacts): ForecastNow | undefined {
  const latest = facts.latest;
  if (!latest) return undefined;
  const now: ForecastNow = {
    at: new Date(latest.timestamp).toISOString(),
    score: Math.min(100, Math.max(0, latest.score)),
    labels: latest.labels,
  };
  const parts = scoreParts(latest.score, latest.contributions);
  if (parts.length > 0) now.contributions = parts;
  return now;
}
