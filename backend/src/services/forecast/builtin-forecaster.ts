/**
 * The built-in forecaster: the damped-trend model's numbers (forecast-numbers.ts), text and
 * actions written from the facts, all validated by the schema's Forecast shape.
 */

import { randomUUID } from 'node:crypto';
import { type ActionEvidence, Forecast, type GeneratedBy } from '@cloudsage/schema';
import type { ForecastFacts } from './facts.js';
import { forecastActionPlan } from './forecast-actions.js';
import { forecastHeadline, forecastNow } from './forecast-headline.js';
import { type ForecastNumbers, forecastNumbers } from './forecast-numbers.js';
import { forecastText } from './forecast-text.js';
import type { Forecaster } from './forecaster.js';
import { plural } from './format.js';
import { MIN_TREND_POINTS } from './model/risk-model.js';

/** A new forecast id. */
export function newForecastId(): string {
  return `fc_${randomUUID()}`;
}

/** `basis.notes`: short, machine-readable-ish remarks on how the forecast was made. */
export function basisNotes(facts: ForecastFacts, n: ForecastNumbers): string[] {
  const notes: string[] = [];
  const hours = n.hourly.values.length;
  if (hours === 0) notes.push('no history: nothing scored yet');
  else if (hours < MIN_TREND_POINTS) notes.push(`little history (${hours} h): no trend fitted`);
  else if (hours < 48) notes.push(`under two days of history (${hours} h): no daily season tried`);
  if (n.prediction.seasonal) notes.push('daily season fitted');
  if (n.feedback.lowered > 0) {
    notes.push(
      `feedback: ${plural(n.feedback.inaccurate, 'inaccurate vote')} on pattern ${n.pattern}; confidence lowered ${n.feedback.lowered}, band x${n.feedback.widen}`,
    );
  }
  if (facts.input.total > 0)
    notes.push(`input incomplete: ${plural(facts.input.total, 'record')} dropped by SDKs in 7 days`);
  return notes;
}

/** Builds the Forecast object around `text` and `actions` from the numbers and facts; validated. */
export function assembleForecast(
  facts: ForecastFacts,
  n: ForecastNumbers,
  parts: {
    headline: string;
    text: string;
    actions: [string, string, string];
    /** The logs behind each action, when the actions are the built-in ones. */
    evidence?: [ActionEvidence | null, ActionEvidence | null, ActionEvidence | null];
    generatedBy: GeneratedBy;
    confidence?: ForecastNumbers['confidence'];
    extraNotes?: string[];
  },
): Forecast {
  const labels = facts.labels.filter((l) => l.last24h > 0).map((l) => l.label);
  const now = forecastNow(facts);
  return Forecast.parse({
    id: newForecastId(),
    projectId: facts.projectId,
    date: new Date(facts.now).toISOString().slice(0, 10),
    headline: parts.headline,
    text: parts.text,
    actions: parts.actions,
    ...(parts.evidence ? { evidence: parts.evidence } : {}),
    ...(now ? { now } : {}),
    predicted: n.predicted,
    basis: {
      historyPoints: n.hourly.values.length,
      historyDays: Math.round((n.hourly.values.length / 24) * 10) / 10,
      method: n.prediction.method,
      confidence: parts.confidence ?? n.confidence,
      droppedRecords: facts.input.total,
      labels,
      notes: [...basisNotes(facts, n), ...(parts.extraNotes ?? [])],
    },
    generatedBy: parts.generatedBy,
    createdAt: new Date(facts.now).toISOString(),
  });
}

/**
 * Today's forecast from the built-in model.
 *
 * @example
 * const f = builtinForecast(facts);
 * f.generatedBy; // 'builtin'
 */
export function builtinForecast(
  facts: ForecastFacts,
  options: { generatedBy?: 'builtin' | 'builtin-fallback'; note?: string; numbers?: ForecastNumbers } = {},
): Forecast {
  const n = options.numbers ?? forecastNumbers(facts);
  const headline = forecastHeadline(facts, n);
  const plan = forecastActionPlan(facts, n);
  return assembleForecast(facts, n, {
    headline,
    text: forecastText(facts, n, headline),
    actions: plan.actions,
    evidence: plan.evidence,
    generatedBy: options.generatedBy ?? 'builtin',
    ...(options.note ? { extraNotes: [options.note] } : {}),
  });
}

/** The built-in forecaster as a {@link Forecaster}. */
export const builtinForecaster: Forecaster = {
  async forecast(facts) {
    return builtinForecast(facts);
  },
};
