/**
 * Rolling-origin backtest: at each origin the forecaster sees only the hours before it and
 * predicts the next 24; errors are scored against what came. The naive ("same as now") and
 * seasonal-naive ("same as yesterday") forecasts are scored at the same origins, so the ratios
 * compare like with like.
 */

/** A forecaster under test: hourly history in, 24 predicted hours with an interval out. */
export type HourlyForecast = (history: readonly number[]) => { score: number; low: number; high: number }[];

/** Accumulated errors of one method. */
export interface Score {
  absError: number;
  n: number;
}

/** Backtest results for one or more series. */
export interface BacktestResult {
  builtin: Score;
  naive: Score;
  seasonalNaive: Score;
  covered: number;
  origins: number;
}

/** An empty result to add into. */
export function emptyResult(): BacktestResult {
  return {
    builtin: { absError: 0, n: 0 },
    naive: { absError: 0, n: 0 },
    seasonalNaive: { absError: 0, n: 0 },
    covered: 0,
    origins: 0,
  };
}

/** Adds `b` into `a`. */
export function addInto(a: BacktestResult, b: BacktestResult): void {
  for (const k of ['builtin', 'naive', 'seasonalNaive'] as const) {
    a[k].absError += b[k].absError;
    a[k].n += b[k].n;
  }
  a.covered += b.covered;
  a.origins += b.origins;
}

/**
 * Backtests `forecast` on `series`, with origins every `step` hours from `firstOrigin`.
 *
 * @example
 * const r = backtest(series, (h) => predictRisk(h).hours, { firstOrigin: 72, step: 12 });
 */
export function backtest(
  series: readonly number[],
  forecast: HourlyForecast,
  options: { firstOrigin: number; step: number; horizon?: number },
): BacktestResult {
  const horizon = options.horizon ?? 24;
  const r = emptyResult();
  for (let origin = options.firstOrigin; origin + horizon <= series.length; origin += options.step) {
    const history = series.slice(0, origin);
    const predicted = forecast(history);
    const now = history[history.length - 1]!;
    r.origins++;
    for (let h = 1; h <= horizon; h++) {
      const truth = series[origin + h - 1]!;
      const p = predicted[h - 1]!;
      r.builtin.absError += Math.abs(truth - p.score);
      r.naive.absError += Math.abs(truth - now);
      r.seasonalNaive.absError += Math.abs(truth - history[origin + h - 1 - 24]!);
      r.builtin.n++;
      r.naive.n++;
      r.seasonalNaive.n++;
      if (truth >= p.low && truth <= p.high) r.covered++;
    }
  }
  return r;
}
