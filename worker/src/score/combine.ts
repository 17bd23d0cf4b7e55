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
 * A known template spiking and the error rate count the same error lines, so the second of them adds
 * a fifth of its risk, not half.
 * Every finding is explained (also those under the label threshold), so the explanations account for
 * the whole score; labels name the findings that read elevated alone or carry an elevated window.
 */
import type { Explanation } from '@cloudsage/schema';
import type { Finding } from './types.js';

/** A label is given when its risk alone would read as elevated (score 30). */
export const LABEL_THRESHOLD = 0.3;
/** Weight of each further signal in the noisy-OR. */
export const CORROBORATION = 0.5;
/**
 * Findings read from the same lines: a known error template spiking is mostly the error rate's own
 * errors again, so after the first of the family the others corroborate at this weight only.
 */
const SAME_EVIDENCE = 0.2;
const FAMILY: Record<string, string> = { 'High Error Rate': 'errors', 'Error Pattern Spike': 'errors' };
/** In a window scoring 30 or more, a finding adding at least this many points is labelled too. */
const LABEL_CONTRIBUTION = 5;

/** The score, labels and explanations of a window. */
export interface Combined {
  score: number;
  labels: string[];
  explanations: Explanation[];
}

/** Scores and shares keep two decimals: enough that weak evidence still orders windows. */
const round2 = (x: number) => Math.round(100 * x) / 100;

/**
 * Combines findings into the score. Each explanation's `contribution` is what its finding added in
 * the product (the strongest first: 100 * r1, then 100 * (1 - r1) * 0.5 * r2, ...), so the
 * contributions of the explanations add up to the score exactly (to its one decimal).
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
  const top = [...byLabel.values()]
    .filter((f) => f.risk > 0 || (f.strength ?? 0) >= LABEL_THRESHOLD)
    .sort((a, b) => b.risk - a.risk);
  let keep = 1;
  const seen = new Set<string>();
  const added = top.map((f, i) => {
    const family = FAMILY[f.label];
    const weight = family !== undefined && seen.has(family) ? SAME_EVIDENCE : CORROBORATION;
    if (family !== undefined) seen.add(family);
    const step = keep * (i === 0 ? f.risk : weight * f.risk);
    keep -= step;
    return 100 * step;
  });
  const score = round2(100 * (1 - keep));
  // Rounded shares, with the rounding remainder on the largest, so they sum to the score shown.
  const shares = added.map(round2);
  if (shares.length > 0) shares[0] = round2(shares[0]! + score - shares.reduce((a, b) => a + b, 0));
  const labels: string[] = [];
  const explanations: Explanation[] = [];
  top.forEach((f, i) => {
    const contribution = shares[i]!;
    const labelled = (f.strength ?? f.risk) >= LABEL_THRESHOLD || (score >= 30 && contribution >= LABEL_CONTRIBUTION);
    if (labelled) labels.push(f.label);
    else if (contribution <= 0) return;
    const e: Explanation = { label: f.label, signal: f.signal, message: f.message, value: f.value, contribution };
    if (f.baseline !== undefined) e.baseline = f.baseline;
    if (f.template !== undefined) e.template = f.template;
    if (f.service !== undefined) e.service = f.service;
    explanations.push(e);
  });
  return { score, labels, explanations };
}
