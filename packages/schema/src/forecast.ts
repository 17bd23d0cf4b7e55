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
  text: z.string(),
  actions: z.tuple([z.string(), z.string(), z.string()]),
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
