/**
 * Additive damped-trend exponential smoothing (ETS(A,Ad,N), with an optional additive season:
 * ETS(A,Ad,A)), in the error-correction form of Hyndman & Athanasopoulos, "Forecasting: Principles
 * and Practice" (3rd ed.), sections 8.2-8.3:
 *
 *   forecast  f_t   = l_{t-1} + phi * b_{t-1} + s_{t-m}
 *   error     e_t   = y_t - f_t
 *   level     l_t   = l_{t-1} + phi * b_{t-1} + alpha * e_t
 *   trend     b_t   = phi * b_{t-1} + beta * e_t
 *   season    s_t   = s_{t-m} + gamma * e_t
 *   h ahead   f_t(h) = l_t + (phi + ... + phi^h) * b_t + s_{t+h-m*k}
 *
 * Damping (phi < 1) makes the trend flatten out over the horizon, which is what risk scores do:
 * they are bounded and incidents end, so an undamped line would run off the 0-100 scale.
 */

/** Smoothing parameters; `beta` is absolute (not a fraction of alpha) and `gamma` is 0 without a season. */
export interface HoltParams {
  alpha: number;
  beta: number;
  phi: number;
  gamma: number;
}

/** Starting state: level, trend, and `period` seasonal offsets (empty without a season). */
export interface HoltInit {
  level: number;
  trend: number;
  season: number[];
}

/** Every state the filter went through, so forecasts can be made from any in-sample origin. */
export interface HoltTrace {
  params: HoltParams;
  period: number;
  /** `level[t]`, `trend[t]`: state after observing `y[t]`. */
  level: Float64Array;
  trend: Float64Array;
  /** `season[t + period]` is the offset updated at time t; the first `period` entries are the initial ones. */
  season: Float64Array;
  /** One-step-ahead errors `e_t`. */
  errors: Float64Array;
  sse: number;
}

/**
 * Sum of squared one-step-ahead errors, without keeping states: the inner loop of the fit.
 *
 * @example
 * holtSse([1, 2, 3], { alpha: 0.5, beta: 0.1, phi: 0.9, gamma: 0 }, { level: 1, trend: 0, season: [] });
 */
export function holtSse(y: ArrayLike<number>, p: HoltParams, init: HoltInit): number {
  const m = init.season.length;
  const season = m > 0 ? Float64Array.from(init.season) : undefined;
  let l = init.level;
  let b = init.trend;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const s = season ? season[t % m]! : 0;
    const e = y[t]! - (l + p.phi * b + s);
    sse += e * e;
    l = l + p.phi * b + p.alpha * e;
    b = p.phi * b + p.beta * e;
    if (season) season[t % m] = s + p.gamma * e;
  }
  return sse;
}

/**
 * Average over `horizons` of the mean squared in-sample h-step error: the "amse" criterion of R's
 * `forecast::ets(opt.crit = "amse")`. Fitting on one-step errors alone picks a large alpha when
 * neighbouring hours are correlated, which chases noise over a 24-hour horizon; scoring the
 * horizons the forecast is used for picks the smoother, better 24-hour model.
 *
 * @example
 * holtAmse(values, params, init, [1, 6, 24], 336); // origins of the last 14 days
 */
export function holtAmse(
  y: ArrayLike<number>,
  p: HoltParams,
  init: HoltInit,
  horizons: readonly number[],
  window = Number.POSITIVE_INFINITY,
): number {
  const n = y.length;
  // Origins before this still update the states, they just are not scored (saves 7x work on them).
  const scoreFrom = Math.max(0, n - window - horizons[horizons.length - 1]!);
  // Without a season, one slot that stays 0 (gamma is 0): one branch-free loop for both models.
  const m = Math.max(1, init.season.length);
  const season = init.season.length > 0 ? Float64Array.from(init.season) : new Float64Array(1);
  const { alpha, beta, phi } = p;
  const gamma = init.season.length > 0 ? p.gamma : 0;
  const hs = Int32Array.from(horizons);
  const hm = Int32Array.from(horizons, (h) => h % m);
  const k = hs.length;
  const damp = Float64Array.from(horizons, (h) => dampedSum(phi, h));
  let l = init.level;
  let b = init.trend;
  let total = 0;
  let count = 0;
  // The phase t % m, kept as a counter: this loop runs ~1M times per fit and % is slow.
  let phase = 0;
  for (let t = 0; t < n; t++) {
    const s = season[phase]!;
    const e = y[t]! - (l + phi * b + s);
    l = l + phi * b + alpha * e;
    b = phi * b + beta * e;
    season[phase] = s + gamma * e;
    if (t >= scoreFrom) {
      // Horizons ascend, so the first one past the end ends the inner loop.
      for (let i = 0; i < k; i++) {
        const h = hs[i]!;
        if (t + h >= n) break;
        // For h <= m the rolling slot of the target's phase already holds its latest offset.
        let ph = phase + hm[i]!;
        if (ph >= m) ph -= m;
        const d = y[t + h]! - (l + damp[i]! * b + season[ph]!);
        total += d * d;
        count++;
      }
    }
    if (++phase === m) phase = 0;
  }
  return count > 0 ? total / count : Number.POSITIVE_INFINITY;
}

/**
 * Runs the filter over `y` and keeps every state.
 *
 * @example
 * const trace = holtRun(values, params, init);
 * const next = holtForecast(trace, values.length - 1, 1);
 */
export function holtRun(y: ArrayLike<number>, p: HoltParams, init: HoltInit): HoltTrace {
  const n = y.length;
  const m = init.season.length;
  const level = new Float64Array(n);
  const trend = new Float64Array(n);
  const errors = new Float64Array(n);
  const season = new Float64Array(n + m);
  season.set(init.season, 0);
  let l = init.level;
  let b = init.trend;
  let sse = 0;
  for (let t = 0; t < n; t++) {
    const s = m > 0 ? season[t]! : 0;
    const e = y[t]! - (l + p.phi * b + s);
    sse += e * e;
    errors[t] = e;
    l = l + p.phi * b + p.alpha * e;
    b = p.phi * b + p.beta * e;
    level[t] = l;
    trend[t] = b;
    if (m > 0) season[t + m] = s + p.gamma * e;
  }
  return { params: p, period: m, level, trend, season, errors, sse };
}

/** Sum phi + phi^2 + ... + phi^h (h for phi = 1). */
export function dampedSum(phi: number, h: number): number {
  if (phi === 1) return h;
  return (phi * (1 - phi ** h)) / (1 - phi);
}

/**
 * Point forecast made after observing `y[origin]`, for `origin + h`. Unclamped: the caller bounds it.
 *
 * @example
 * holtForecast(trace, n - 1, 24); // the value expected 24 hours after the last point
 */
export function holtForecast(trace: HoltTrace, origin: number, h: number): number {
  const m = trace.period;
  let s = 0;
  if (m > 0) {
    // Latest offset for the target's phase: updated at target - k*m, the last such time <= origin.
    const k = Math.ceil(h / m);
    s = trace.season[origin + h - k * m + m]!;
  }
  return trace.level[origin]! + dampedSum(trace.params.phi, h) * trace.trend[origin]! + s;
}
