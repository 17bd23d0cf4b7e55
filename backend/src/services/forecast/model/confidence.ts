/**
 * How sure a forecast is: from how much history it stands on and how wide its band is, then
 * lowered by earlier feedback. A forecast voted inaccurate makes the next forecast of the same
 * pattern (leading label and direction) less sure and its band wider: people told us this kind
 * of call went wrong here.
 */

import type { FeedbackFact } from '../facts.js';

/** The levels of `basis.confidence`, least sure first. */
export const CONFIDENCE_LEVELS = ['low', 'medium', 'high'] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

/** Band widening per net inaccurate vote, and the most it widens. */
const WIDEN_PER_VOTE = 0.25;
const MAX_NET_VOTES = 2;

/**
 * Confidence from history length (hourly points) and the mean width of the 80% band.
 *
 * @example
 * baseConfidence(240, 12); // 'high'
 */
export function baseConfidence(hours: number, meanWidth: number): Confidence {
  if (hours < 24) return 'low';
  if (hours >= 72 && meanWidth <= 20) return 'high';
  if (meanWidth <= 35) return 'medium';
  return 'low';
}

/** What feedback did to a forecast. */
export interface FeedbackEffect {
  confidence: Confidence;
  /** Votes on earlier forecasts of the same pattern. */
  inaccurate: number;
  accurate: number;
  /** Levels the confidence went down (0 when feedback did not change it). */
  lowered: number;
  /** Factor the band's half-widths are multiplied by (1 = unchanged). */
  widen: number;
}

/**
 * Applies earlier votes on forecasts of `pattern`: each inaccurate vote beyond the accurate ones
 * lowers the confidence one level (to `low` at most) and widens the band by a quarter.
 *
 * @example
 * applyFeedback('high', [{ pattern: 'none|flat', accurate: false, ... }], 'none|flat').confidence; // 'medium'
 */
export function applyFeedback(
  confidence: Confidence,
  feedback: readonly Pick<FeedbackFact, 'pattern' | 'accurate'>[],
  pattern: string,
): FeedbackEffect {
  let inaccurate = 0;
  let accurate = 0;
  for (const f of feedback) {
    if (f.pattern !== pattern) continue;
    if (f.accurate) accurate++;
    else inaccurate++;
  }
  const net = Math.min(MAX_NET_VOTES, Math.max(0, inaccurate - accurate));
  const at = CONFIDENCE_LEVELS.indexOf(confidence);
  const next = Math.max(0, at - net);
  return {
    confidence: CONFIDENCE_LEVELS[next]!,
    inaccurate,
    accurate,
    lowered: at - next,
    widen: 1 + WIDEN_PER_VOTE * net,
  };
}
