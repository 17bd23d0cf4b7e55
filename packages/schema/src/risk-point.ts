import { z } from 'zod';
import { Template } from './baseline.js';

/** The labels the scorer may give; the list only grows. */
export const RISK_LABELS = [
  'High Error Rate',
  'Latency Spike',
  'Memory Pressure',
  'Volume Spike',
  'Volume Drop',
  'New Error Pattern',
  'Error Pattern Spike',
  'Crash Loop',
  /** The project stopped sending while it usually sends (set by the backend, not the worker). */
  'No Data',
] as const;

/** Numeric readings behind a score, keyed by signal name (e.g. `errorRate`, `latencyP95Ms`). */
export const Signals = z.record(z.string(), z.number());
export type Signals = z.infer<typeof Signals>;

/** Why a label was given: the signal, its value, what the baseline says, and a sentence. */
export const Explanation = z.object({
  label: z.string(),
  signal: z.string(),
  /** A sentence naming the numbers, e.g. "error rate 12.5% vs usual 0.4% (31x)". */
  message: z.string(),
  value: z.number(),
  baseline: z.number().optional(),
  /** How much this signal added to the score (0-100 scale). */
  contribution: z.number().optional(),
  /** The template behind an error-pattern label. */
  template: Template.pick({ id: true, pattern: true, count: true }).optional(),
  /** The service (or host) the finding is about, when one service stands out among several. */
  service: z.string().optional(),
});
export type Explanation = z.infer<typeof Explanation>;

/** A 0-100 risk score. 0-30 reads as normal, 30-60 elevated, 60+ high. */
export const Score = z.number().min(0).max(100);

/** One point of a project's risk history (`GET /api/risk-history/:projectId`, SSE `score`). */
export const RiskPoint = z.object({
  id: z.string(),
  timestamp: z.iso.datetime({ offset: true }),
  score: Score,
  labels: z.array(z.string()),
  signals: Signals,
  explanations: z.array(Explanation),
});
export type RiskPoint = z.infer<typeof RiskPoint>;

/** `GET /api/risk-history/:projectId` answers risk points oldest first. */
export const RiskHistory = z.array(RiskPoint);
export type RiskHistory = z.infer<typeof RiskHistory>;
