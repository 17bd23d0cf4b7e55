/**
 * A score's parts as whole points that add up to the score as shown. The scorer gives each
 * labelled finding a share with one decimal; shown rounded, and without the findings too weak to
 * be labelled, they read "+33 +33 +25" under a 100. Here the unlabelled rest becomes "other
 * signals" and the rounding is by largest remainder, so the parts sum to `Math.round(score)`.
 */

/** One part of a score. */
export interface ScorePart {
  label: string;
  points: number;
}

/** The name of the part no label accounts for. */
export const OTHER_SIGNALS = 'other signals';

/**
 * Whole-point parts of `score` from the scorer's contributions (largest first); empty when the
 * scorer gave none.
 *
 * @example
 * scoreParts(100, [{ label: 'A', points: 33.3 }, { label: 'B', points: 33.3 }, { label: 'C', points: 24.9 }]);
 * // [{ label: 'A', points: 34 }, { label: 'B', points: 33 }, { label: 'C', points: 25 }, { label: 'other signals', points: 8 }]
 */
export function scoreParts(score: number, contributions: readonly ScorePart[]): ScorePart[] {
  const total = Math.max(0, score);
  const target = Math.round(total);
  const raw = contributions
    .filter((c) => Number.isFinite(c.points) && c.points > 0)
    .map((c) => ({ label: c.label, points: c.points }));
  if (raw.length === 0 || target === 0) return [];
  const sum = raw.reduce((a, c) => a + c.points, 0);
  // More than the score (rounding upstream): scale down; less: the rest is the unlabelled signals'.
  if (sum > total) for (const c of raw) c.points *= total / sum;
  const rest = total - Math.min(sum, total);
  if (rest > 0) raw.push({ label: OTHER_SIGNALS, points: rest });
  const parts = raw.map((c) => ({
    label: c.label,
    points: Math.floor(c.points),
    frac: c.points - Math.floor(c.points),
  }));
  let missing = target - parts.reduce((a, p) => a + p.points, 0);
  const byFrac = [...parts].sort((a, b) => b.frac - a.frac);
  for (let i = 0; missing > 0 && byFrac.length > 0; i = (i + 1) % byFrac.length, missing--) byFrac[i]!.points++;
  return parts
    .filter((p) => p.points > 0)
    .map(({ label, points }) => ({ label, points }))
    .sort((a, b) => (a.label === OTHER_SIGNALS ? 1 : 0) - (b.label === OTHER_SIGNALS ? 1 : 0) || b.points - a.points);
}
