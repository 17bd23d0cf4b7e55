/**
 * ROC AUC with a percentile bootstrap interval: windows are resampled with replacement, fault and
 * healthy windows apart (so every draw has both), from a seeded generator so a run repeats exactly.
 */
import { rocAuc } from '../auc.js';
import { Rng } from '../prng.js';

/** A point estimate and its 95% interval. */
export interface AucInterval {
  auc: number;
  lo: number;
  hi: number;
}

/** Bootstrap draws by default; at least 1000 as the evaluation promises. */
export const DEFAULT_DRAWS = 2000;

function resample(xs: readonly number[], rng: Rng, out: number[]): number[] {
  out.length = 0;
  for (let i = 0; i < xs.length; i++) out.push(xs[Math.floor(rng.next() * xs.length)]!);
  return out;
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * AUC of `positives` over `negatives` with a 95% percentile interval from `draws` resamples.
 *
 * @example
 * aucInterval([0.9, 0.8], [0.1, 0.2, 0.3], 1000, 7); // { auc: 1, lo: 1, hi: 1 }
 */
export function aucInterval(
  positives: readonly number[],
  negatives: readonly number[],
  draws = DEFAULT_DRAWS,
  seed = 1,
): AucInterval {
  const auc = rocAuc(positives, negatives);
  if (Number.isNaN(auc)) return { auc, lo: Number.NaN, hi: Number.NaN };
  const rng = new Rng(seed);
  const p: number[] = [];
  const n: number[] = [];
  const values: number[] = [];
  for (let d = 0; d < draws; d++) values.push(rocAuc(resample(positives, rng, p), resample(negatives, rng, n)));
  values.sort((a, b) => a - b);
  return { auc, lo: percentile(values, 0.025), hi: percentile(values, 0.975) };
}
