/**
 * `pnpm eval:forecast`: backtests the built-in forecaster on generated multi-day risk series of five
 * kinds against the naive and seasonal-naive forecasts in the same run, and times a forecast over
 * 30 days of per-minute history. Targets (issue 7): MAE at least 20% below the better naive overall,
 * 80% interval coverage within 70-90%, a forecast in under 200 ms.
 */

import { predictRisk } from '../src/services/forecast/risk-model.js';
import { addInto, type BacktestResult, backtest, emptyResult } from './backtest.js';
import { generateSeries, SERIES_KINDS } from './series.js';

const DAYS = 28;
const SERIES_PER_KIND = 6;
const FIRST_ORIGIN = 72;
const STEP = 24;

function mae(s: { absError: number; n: number }): number {
  return s.absError / Math.max(1, s.n);
}

function row(name: string, r: BacktestResult): string {
  const b = mae(r.builtin);
  const nv = mae(r.naive);
  const sn = mae(r.seasonalNaive);
  const better = Math.min(nv, sn);
  const cov = r.covered / Math.max(1, r.builtin.n);
  return [
    name.padEnd(10),
    b.toFixed(2).padStart(8),
    nv.toFixed(2).padStart(8),
    sn.toFixed(2).padStart(8),
    (b / better).toFixed(3).padStart(8),
    `${(cov * 100).toFixed(1)}%`.padStart(8),
    String(r.origins).padStart(8),
  ].join(' ');
}

const started = performance.now();
const overall = emptyResult();
const lines: string[] = [];
for (const [k, kind] of SERIES_KINDS.entries()) {
  const total = emptyResult();
  for (let i = 0; i < SERIES_PER_KIND; i++) {
    const series = generateSeries(kind, DAYS, 1000 * (k + 1) + i);
    addInto(
      total,
      backtest(series, (h) => predictRisk(h).hours, { firstOrigin: FIRST_ORIGIN, step: STEP }),
    );
  }
  addInto(overall, total);
  lines.push(row(kind, total));
}
console.log(
  `Backtest: ${SERIES_PER_KIND} series x ${DAYS} days per kind, origins every ${STEP} h from hour ${FIRST_ORIGIN}, 24 h ahead`,
);
console.log(
  ['kind'.padEnd(10), 'builtin', 'naive', 'seas-nv', 'ratio', 'cov80', 'origins']
    .map((s, i) => (i ? s.padStart(8) : s))
    .join(' '),
);
for (const l of lines) console.log(l);
console.log(row('overall', overall));
console.log(
  `(ratio = builtin MAE / better of naive and seasonal-naive MAE; cov80 = share of truths inside the 80% interval)`,
);
console.log(`backtest took ${((performance.now() - started) / 1000).toFixed(1)} s`);
