import type { Forecast, RiskPoint } from '@cloudsage/schema';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type ChartColumns, chartColumns } from '../lib/chart-data.js';
import { formatScore } from '../lib/score-band.js';
import { card } from '../lib/ui.js';
import { Empty } from './states.js';

const HEIGHT = 260;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function options(width: number, onHover: (idx: number | null) => void): uPlot.Options {
  const text = cssVar('--color-muted');
  const grid = cssVar('--color-border');
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: true }, y: { range: [0, 100] } },
    axes: [axis, { ...axis, size: 36 }],
    cursor: { points: { size: 8 }, drag: { x: false, y: false } },
    legend: { live: true },
    series: [
      { label: 'Time' },
      {
        label: 'Risk score',
        stroke: cssVar('--color-accent'),
        width: 2,
        spanGaps: true,
        points: { show: true, size: 4 },
        value: (_u, v) => formatScore(v),
      },
      {
        label: 'Forecast',
        stroke: cssVar('--color-forecast'),
        width: 2,
        dash: [6, 4],
        points: { show: false },
        value: (_u, v) => formatScore(v),
      },
      // The band's edges: drawn only as the band fill, but listed in the legend for hover.
      { label: 'Forecast high', stroke: 'transparent', points: { show: false }, value: (_u, v) => formatScore(v) },
      { label: 'Forecast low', stroke: 'transparent', points: { show: false }, value: (_u, v) => formatScore(v) },
    ],
    bands: [{ series: [3, 4], fill: cssVar('--color-forecast-band') }],
    hooks: { setCursor: [(u) => onHover(u.cursor.idx ?? null)] },
  };
}

function data(c: ChartColumns): uPlot.AlignedData {
  return [c.x, c.score, c.forecast, c.high, c.low];
}

/** Props of {@link HistoryChart}. */
export interface HistoryChartProps {
  history: readonly RiskPoint[];
  forecast: Forecast | undefined;
}

/**
 * The 30-day risk history with today's forecast and its band (uPlot). Hover, or focus and use the
 * arrow keys, to read a point's score and labels. Keeps its height while empty or loading.
 */
export function HistoryChart({ history, forecast }: HistoryChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const [theme, setTheme] = useState(0);
  const columns = useMemo(() => chartColumns(history, forecast), [history, forecast]);
  const empty = columns.x.length === 0;

  useEffect(() => {
    const redraw = () => setTheme((n) => n + 1);
    window.addEventListener('cloudsage:theme', redraw);
    return () => window.removeEventListener('cloudsage:theme', redraw);
  }, []);

  // (Re)create on theme change; data changes go through setData below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: columns are applied by the effect below.
  useEffect(() => {
    const el = box.current;
    if (!el || empty) return;
    const u = new uPlot(options(el.clientWidth || 600, setHover), data(columns), el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [theme, empty]);

  useEffect(() => {
    plot.current?.setData(data(columns));
  }, [columns]);

  const onKeyDown = (e: KeyboardEvent) => {
    const u = plot.current;
    if (!u || columns.x.length === 0) return;
    const last = columns.x.length - 1;
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    // The first key press lands on the latest scored point; later ones step from there.
    let latest = last;
    while (latest > 0 && columns.score[latest] === null) latest--;
    const next = hover === null ? latest : e.key === 'ArrowLeft' ? Math.max(0, hover - 1) : Math.min(last, hover + 1);
    e.preventDefault();
    const y = columns.score[next] ?? columns.forecast[next] ?? 0;
    u.setCursor({ left: u.valToPos(columns.x[next] as number, 'x'), top: u.valToPos(y, 'y') });
  };

  const hovered = hover === null ? undefined : columns.points[hover];
  const hoveredForecast = hover === null || hovered ? undefined : columns.forecast[hover];
  const summary = empty
    ? 'No risk history yet'
    : `Risk history of ${history.length} points${forecast ? ' with the forecast band' : ''}; latest score ${formatScore(
        history[history.length - 1]?.score,
      )}. Focus and use the arrow keys to read points.`;

  return (
    <section className={`${card} min-h-[380px]`} aria-labelledby="chart-title">
      <h2 id="chart-title">Last 30 days</h2>
      {empty ? (
        <Empty minHeight={HEIGHT + 60}>
          <p>No history yet. Scores appear here as your logs are scored, about a minute after they arrive.</p>
        </Empty>
      ) : (
        <>
          <div
            ref={box}
            // Room for the canvas (260 px) and uPlot's legend, which wraps to three lines on a phone.
            className="min-h-[330px] w-full"
            role="img"
            aria-label={summary}
            // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so keyboard users can step through points.
            tabIndex={0}
            onKeyDown={onKeyDown}
            data-testid="history-chart"
          />
          <p className="mt-2 mb-0 min-h-[1.3em] text-muted text-sm" aria-live="polite">
            {hovered
              ? `${new Date(hovered.timestamp).toLocaleString()}: score ${formatScore(hovered.score)}${
                  hovered.labels.length ? ` · ${hovered.labels.join(', ')}` : ''
                }`
              : hover !== null && hoveredForecast !== null && hoveredForecast !== undefined
                ? `${new Date((columns.x[hover] as number) * 1000).toLocaleString()}: forecast ${formatScore(
                    hoveredForecast,
                  )} (likely ${formatScore(columns.low[hover])}–${formatScore(columns.high[hover])})`
                : 'Hover or focus the chart for details.'}
          </p>
        </>
      )}
    </section>
  );
}
