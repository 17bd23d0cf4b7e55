import type { Forecast, RiskPoint } from '@cloudsage/schema';

/** Columns for the chart: one shared x (epoch seconds), then score, forecast, high and low. */
export interface ChartColumns {
  x: number[];
  score: Array<number | null>;
  forecast: Array<number | null>;
  high: Array<number | null>;
  low: Array<number | null>;
  /** The risk point at each x, for hover details (undefined where x is a forecast hour only). */
  points: Array<RiskPoint | undefined>;
}

/**
 * Aligns the risk history and the forecast's hourly series on one time axis (what uPlot wants):
 * history points carry `score`, forecast hours carry `forecast`, `high` and `low`. The forecast
 * line starts at the last observed score so the two lines join. Without history there is nothing
 * to chart: a forecast fitted to no data is not drawn.
 */
export function chartColumns(history: readonly RiskPoint[], forecast: Forecast | undefined): ChartColumns {
  const rows = new Map<number, { score?: number; forecast?: number; high?: number; low?: number; point?: RiskPoint }>();
  const row = (t: number) => {
    const r = rows.get(t) ?? {};
    rows.set(t, r);
    return r;
  };
  for (const p of history) {
    const r = row(Math.floor(Date.parse(p.timestamp) / 1000));
    r.score = p.score;
    r.point = p;
  }
  const last = history[history.length - 1];
  const series = last ? (forecast?.predicted.series ?? []) : [];
  if (series.length > 0 && last) {
    const r = row(Math.floor(Date.parse(last.timestamp) / 1000));
    r.forecast = last.score;
    r.high = last.score;
    r.low = last.score;
  }
  for (const f of series) {
    const r = row(Math.floor(Date.parse(f.at) / 1000));
    r.forecast = f.score;
    r.high = f.high;
    r.low = f.low;
  }
  const x = [...rows.keys()].filter(Number.isFinite).sort((a, b) => a - b);
  const pick = (k: 'score' | 'forecast' | 'high' | 'low') => x.map((t) => rows.get(t)?.[k] ?? null);
  return {
    x,
    score: pick('score'),
    forecast: pick('forecast'),
    high: pick('high'),
    low: pick('low'),
    points: x.map((t) => rows.get(t)?.point),
  };
}

/** The columns whose x lies within [min, max] (epoch seconds): what a time range shows. */
export function clipColumns(c: ChartColumns, min: number, max: number): ChartColumns {
  const keep = c.x.map((t) => t >= min && t <= max);
  const pick = <T>(col: T[]) => col.filter((_, i) => keep[i]);
  return {
    x: pick(c.x),
    score: pick(c.score),
    forecast: pick(c.forecast),
    high: pick(c.high),
    low: pick(c.low),
    points: pick(c.points),
  };
}
