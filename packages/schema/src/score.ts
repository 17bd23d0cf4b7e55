import { z } from 'zod';
import { Baseline } from './baseline.js';
import { LogRecord } from './log-record.js';
import { Explanation, Score, Signals } from './risk-point.js';

/** The time range a scoring job covers (aligned by ingest time, 1 minute by default). */
export const ScoreWindow = z.object({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
});
export type ScoreWindow = z.infer<typeof ScoreWindow>;

/**
 * `POST /score` on the worker.
 *
 * @example
 * ScoreRequest.parse({ projectId: 'p1', logs: [], metadata: { window: { from, to } } });
 */
export const ScoreRequest = z.object({
  projectId: z.string().min(1).max(64),
  logs: z.array(LogRecord),
  metadata: z.object({
    window: ScoreWindow,
    baseline: Baseline.optional(),
    /**
     * Fraction of the window's info-and-below records that were sent (1 = all). Warn-and-above
     * records are always all sent. Added so the worker can scale volumes back up.
     */
    samplingRatio: z.number().gt(0).max(1).optional(),
    /** Records in the window before sampling. */
    totalRecords: z.number().int().nonnegative().optional(),
  }),
});
export type ScoreRequest = z.infer<typeof ScoreRequest>;

/** The worker's answer: the score, why, and the updated baseline to store. */
export const ScoreResponse = z.object({
  score: Score,
  labels: z.array(z.string()),
  timestamp: z.iso.datetime({ offset: true }),
  signals: Signals,
  explanations: z.array(Explanation),
  baseline: Baseline.optional(),
});
export type ScoreResponse = z.infer<typeof ScoreResponse>;
