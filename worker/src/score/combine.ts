/**
 * The calibrated combination of the signals' findings into a 0-100 score (documented in README.md).
 *
 * Each signal reports a risk r in [0, 1], calibrated so that 0.3 alone reads as "elevated" and 0.6 as
 * a clear incident. Per label the strongest finding counts. The score is a soft noisy-OR:
 *
 *   score = 100 * (1 - (1 - r1) * prod_{i >= 2} (1 - 0.5 * r_i))
 *
 * with r1 the largest risk: the worst signal sets the floor and every further one adds half of what it
 * would alone, so two independent weak hints do not read as an incident, but corroboration counts.
 */
import type { Explanation } from '@cloudsage/schema';
import type { Finding } from './types.js';

/** A label is given when its risk alone would read as elevated (score 30). */
export const LABEL_THRESHOLD = 0.3;
/** Weight of each further signal in the noisy-OR. */
export const CORROBORATION = 0.5;

/** The score, labels and explanations of a window. */
export interface Combined {
  score: number;
  labels: string[];
  explanations: Explanation[];
}

/**
 * Combines findings into the score.
 *
 * @example
 * combine([{ label: 'High Error Rate', signal: 'errorRate', risk: 0.8, value: 0.12, message: '...' }]).score; // 80
 */
export function combine(findings: readonly Finding[]): Combined {
  const byLabel = new Map<string, Finding>();
  for (const f of findings) {
    const prev = byLabel.get(f.label);
    if (prev === undefined || f.risk > prev.risk) byLabel.set(f.label, f);
  }
  const top = [...byLabel.values()].sort((a, b) => b.risk - a.risk);
  let keep = 1;
  top.forEach((f, i) => {
    keep *= 1 - (i === 0 ? f.risk : CORROBORATION * f.risk);
  });
  const score = Math.round(1000 * (1 - keep)) / 10;
  const sum = top.reduce((s, f) => s + f.risk, 0);
  const labelled = top.filter((f) => f.risk >= LABEL_THRESHOLD);
  const explanations = labelled.map((f) => {
    const e: Explanation = {
      label: f.label,
      signal: f.signal,
      message: f.message,
      value: f.value,
      contribution: Math.round((10 * score * f.risk) / sum) / 10,
    };
    if (f.baseline !== undefined) e.baseline = f.baseline;
    if (f.template !== undefined) e.template = f.template;
    return e;
  });
  return { score, labels: labelled.map((f) => f.label), explanations };
}
