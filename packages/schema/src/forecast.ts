import { z } from 'zod';
import { Score } from './risk-point.js';

/** One hour of the predicted series, for the chart band. */
export const ForecastPoint = z.object({
  at: z.iso.datetime({ offset: true }),
  score: Score,
  low: Score,
  high: Score,
});
export type ForecastPoint = z.infer<typeof ForecastPoint>;

/** Who wrote the forecast: the built-in model, the LLM, or the built-in one after the LLM failed. */
export const GeneratedBy = z.enum(['builtin', 'llm', 'builtin-fallback']);
export type GeneratedBy = z.infer<typeof GeneratedBy>;

/** What the forecast was built from, so a reader can judge it. */
export const ForecastBasis = z.object({
  /** Hourly risk points the model was fitted to. */
  historyPoints: z.number().int().nonnegative(),
  historyDays: z.number().nonnegative(),
  method: z.string(),
  confidence: z.enum(['low', 'medium', 'high']),
  /** Records the SDKs reported dropped in the period; non-zero means the input was incomplete. */
  droppedRecords: z.number().int().nonnegative().optional(),
  /** Labels seen in the period, most frequent first. */
  labels: z.array(z.string()).optional(),
  /** Short notes, e.g. "little history: no trend fitted". */
  notes: z.array(z.string()).optional(),
});
export type ForecastBasis = z.infer<typeof ForecastBasis>;

/**
 * The logs behind one action: a time range, and the service and template it names when known, so a
 * reader can open exactly those lines (the dashboard links to its logs view filtered by them).
 */
export const ActionEvidence = z.object({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  service: z.string().optional(),
  /** The error template (`<NUM>`-style placeholders) the action is about. */
  template: z.string().optional(),
  /** The release (`version`/`release` field or a deploy line) the lines carry. */
  release: z.string().optional(),
});
export type ActionEvidence = z.infer<typeof ActionEvidence>;

/** What one label added to the current score; the parts of `ForecastNow.contributions` sum to its score. */
export const ScoreContribution = z.object({
  label: z.string(),
  points: z.number(),
});
export type ScoreContribution = z.infer<typeof ScoreContribution>;

/** The latest risk point the forecast starts from. */
export const ForecastNow = z.object({
  at: z.iso.datetime({ offset: true }),
  score: Score,
  labels: z.array(z.string()),
  /** Whole points per label (plus "other signals" when the labelled ones do not cover it), summing to `round(score)`. */
  contributions: z.array(ScoreContribution).optional(),
});
export type ForecastNow = z.infer<typeof ForecastNow>;

/**
 * Today's forecast for a project (`GET /api/forecast/:projectId`, SSE `forecast`).
 *
 * @example
 * const f = Forecast.parse(await res.json());
 * const [first] = f.actions; // three concrete actions, most urgent first
 */
export const Forecast = z.object({
  id: z.string(),
  projectId: z.string(),
  /** The UTC date (yyyy-mm-dd) the forecast is for. */
  date: z.iso.date(),
  /** One sentence: risk now, what leads it, the next 24 h. Optional: forecasts before it lack it. */
  headline: z.string().optional(),
  /** The details: what changed, the outlook and how sure it is. */
  text: z.string(),
  actions: z.tuple([z.string(), z.string(), z.string()]),
  /**
   * The logs behind each action, index for index with `actions` (null: no logs to point at). A
   * parallel array so `actions` stays three strings for older clients.
   */
  evidence: z.tuple([ActionEvidence.nullable(), ActionEvidence.nullable(), ActionEvidence.nullable()]).optional(),
  /** The latest score the forecast starts from; regenerated when a score leaves `predicted.series[0]`'s band or the labels change. */
  now: ForecastNow.optional(),
  predicted: z.object({
    score: Score,
    low: Score,
    high: Score,
    horizonHours: z.number().int().positive(),
    series: z.array(ForecastPoint),
  }),
  basis: ForecastBasis,
  generatedBy: GeneratedBy,
  createdAt: z.iso.datetime({ offset: true }),
});
export type Forecast = z.infer<typeof Forecast>;
