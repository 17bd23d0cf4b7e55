/**
 * Prediction intervals for the damped-trend model. With enough history they come from the
 * model's own in-sample h-step errors (empirical quantiles per horizon, so skewed risk series,
 * which spike up far more than down, get a skewed band); with little history from the analytic
 * variance of ETS(A,Ad,A) (FPP3 table 8.8), which assumes normal errors.
 */

import { dampedSum, type HoltTrace, holtForecast } from './holt-damped.js';

/** Offsets to add to the point forecast for each horizon h = 1..H (`lower[h-1] <= 0 <= upper[h-1]`). */
export interface IntervalOffsets {
  lower: number[];
  upper: number[];
  method: 'empirical' | 'analytic';
}

/** In-sample origins needed per horizon before empirical quantiles are trusted. */
const MIN_EMPIRICAL = 48;

/** Quantile by linear interpolation of a sorted array (type 7, R's default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9 over (0, 1)). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Where the in-sample errors start to count: after the states have settled from their start. */
function burnIn(trace: HoltTrace): number {
  return Math.max(trace.period, Math.min(12, Math.floor(trace.errors.length / 4)));
}

/** Standard deviation of the one-step errors after the burn-in. */
export function residualSd(trace: HoltTrace): number {
  const from = burnIn(trace);
  let s = 0;
  let k = 0;
  for (let t = from; t < trace.errors.length; t++) {
    s += trace.errors[t]! ** 2;
    k++;
  }
  return k > 0 ? Math.sqrt(s / k) : Number.NaN;
}

/**
 * Interval offsets for horizons 1..`horizon` at nominal `coverage`, scaled by `inflate` (a
 * calibration factor: in-sample errors come from a model fitted to the same points, so they run a
 * little small out of sample; `pnpm eval:forecast` measures the coverage this gives).
 *
 * @example
 * const { lower, upper } = intervalOffsets(values, trace, 24, 0.8);
 * const high24 = pointForecast24 + upper[23];
 */
export function intervalOffsets(
  y: ArrayLike<number>,
  trace: HoltTrace,
  horizon: number,
  coverage = 0.8,
  inflate = 1,
): IntervalOffsets {
  const n = trace.errors.length;
  const from = burnIn(trace);
  const lower: number[] = [];
  const upper: number[] = [];
  let method: IntervalOffsets['method'] = 'analytic';
  if (n - from - horizon >= MIN_EMPIRICAL) {
    method = 'empirical';
    for (let h = 1; h <= horizon; h++) {
      const errs: number[] = [];
      for (let t = from; t + h < n; t++) errs.push(y[t + h]! - holtForecast(trace, t, h));
      errs.sort((a, b) => a - b);
      lower.push(Math.min(0, quantileSorted(errs, (1 - coverage) / 2)) * inflate);
      upper.push(Math.max(0, quantileSorted(errs, (1 + coverage) / 2)) * inflate);
    }
  } else {
    const z = normalQuantile((1 + coverage) / 2);
    const sd = residualSd(trace);
    const sigma = Number.isFinite(sd) ? sd : 0;
    const { alpha, beta, phi, gamma } = trace.params;
    let v = 1;
    for (let h = 1; h <= horizon; h++) {
      if (h > 1) {
        const j = h - 1;
        const seasonal = trace.period > 0 && j % trace.period === 0 ? gamma : 0;
        v += (alpha + beta * dampedSum(phi, j) + seasonal) ** 2;
      }
      const w = z * sigma * Math.sqrt(v) * inflate;
      lower.push(-w);
      upper.push(w);
    }
  }
  // Uncertainty does not shrink with the horizon; a wiggle in the quantiles would say it does.
  for (let i = 1; i < horizon; i++) {
    lower[i] = Math.min(lower[i]!, lower[i - 1]!);
    upper[i] = Math.max(upper[i]!, upper[i - 1]!);
  }
  return { lower, upper, method };
}
