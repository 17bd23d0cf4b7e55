import type { Forecast, RiskPoint } from '@cloudsage/schema';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type ChartColumns, chartColumns, clipColumns } from '../lib/chart-data.js';
import { formatScore } from '../lib/score-band.js';
import {
  type CustomRange,
  customRangeError,
  type PageRange,
  pageChartBounds,
  pageRangeLabel,
  pointWindow,
  zoomRange,
} from '../lib/time-range.js';
import { card } from '../lib/ui.js';
import { Empty } from './states.js';

const HEIGHT = 260;
/** A drag narrower than this (CSS px) is a click with a shaky hand, not a zoom. */
const MIN_DRAG_PX = 5;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

type Bounds = { min: number; max: number };

function options(
  width: number,
  bounds: { current: Bounds },
  onHover: (idx: number | null) => void,
  onClick: (idx: number | null) => void,
  onSelect: (left: number, width: number, idx: number | null) => void,
): uPlot.Options {
  const text = cssVar('--color-muted');
  const grid = cssVar('--color-border');
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height: HEIGHT,
    // The range, not the data, sets the x axis: history then takes the width of the range.
    scales: { x: { time: true, range: () => [bounds.current.min, bounds.current.max] }, y: { range: [0, 100] } },
    axes: [axis, { ...axis, size: 36 }],
    cursor: { points: { size: 8 }, drag: { x: true, y: false, setScale: false } },
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
    hooks: {
      setCursor: [(u) => onHover(u.cursor.idx ?? null)],
      // uPlot swallows the click that ends a drag, so a click here never follows a zoom.
      ready: [(u) => u.over.addEventListener('click', () => onClick(u.cursor.idx ?? null))],
      setSelect: [
        (u) => {
          const { left, width } = u.select;
          if (width === 0 && u.select.height === 0) return;
          onSelect(left, width, u.cursor.idx ?? null);
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        },
      ],
    },
  };
}

function data(c: ChartColumns): uPlot.AlignedData {
  return [c.x, c.score, c.forecast, c.high, c.low];
}

/** Props of {@link HistoryChart}. */
export interface HistoryChartProps {
  history: readonly RiskPoint[];
  forecast: Forecast | undefined;
  range: PageRange;
  /** Shows a span dragged across the chart as the page's custom range. */
  onZoom?: (range: CustomRange) => void;
  /** Opens the logs of a risk point's window (a click on the point, or Enter on it). */
  onPick?: (window: { from: string; to: string }) => void;
}

/**
 * The risk history over the page's time range with the forecast and its band (uPlot); a click on
 * a point (or Enter on it) opens that window's logs, and a drag across the chart zooms to that
 * span. Hover, or focus and use the arrow keys, to read a point's score and labels. Keeps its
 * height while empty or loading.
 */
export function HistoryChart({ history, forecast, range, onZoom, onPick }: HistoryChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const [theme, setTheme] = useState(0);
  // Now is read when the data or the range changes: a live score moves the axis along with it.
  const rangeKey = range.id === 'custom' ? `${range.from}/${range.to}` : range.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `history` is named so a new point re-reads now; `rangeKey` stands for `range`.
  const bounds = useMemo(() => {
    const end = forecast?.predicted.series.at(-1)?.at;
    return pageChartBounds(range, Date.now(), end ? Date.parse(end) : undefined);
  }, [rangeKey, forecast, history]);
  const boundsRef = useRef(bounds);
  boundsRef.current = bounds;
  const columns = useMemo(
    () => clipColumns(chartColumns(history, forecast), bounds.min, bounds.max),
    [history, forecast, bounds],
  );
  const empty = columns.x.length === 0;
  const pickRef = useRef({ columns, onPick, onZoom });
  pickRef.current = { columns, onPick, onZoom };
  const pick = (idx: number | null) => {
    const point = idx === null ? undefined : pickRef.current.columns.points[idx];
    if (!point) return;
    pickRef.current.onPick?.(pointWindow(Date.parse(point.timestamp)));
  };
  const select = (left: number, width: number, idx: number | null) => {
    const u = plot.current;
    if (!u) return;
    if (width < MIN_DRAG_PX) {
      pick(idx);
      return;
    }
    const zoom = zoomRange(u.posToVal(left, 'x') * 1000, u.posToVal(left + width, 'x') * 1000);
    // A drag over the forecast alone has no history to show.
    if (customRangeError(zoom.from, zoom.to, Date.now()) === undefined) pickRef.current.onZoom?.(zoom);
  };

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
    const u = new uPlot(options(el.clientWidth || 600, boundsRef, setHover, pick, select), data(columns), el);
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
    plot.current?.setScale('x', bounds);
  }, [columns, bounds]);

  const onKeyDown = (e: KeyboardEvent) => {
    const u = plot.current;
    if (!u || columns.x.length === 0) return;
    if (e.key === 'Enter' && hover !== null) {
      e.preventDefault();
      pick(hover);
      return;
    }
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
    : `Risk history of ${columns.points.filter(Boolean).length} points${forecast ? ' with the forecast band' : ''}; latest score ${formatScore(
        history[history.length - 1]?.score,
      )}. Focus and use the arrow keys to read points, Enter to open a point's logs; drag across the chart to zoom in.`;

  return (
    <section className={`${card} min-h-[380px]`} aria-labelledby="chart-title">
      <h2 id="chart-title">Risk, {pageRangeLabel(range)}</h2>
      {empty ? (
        <Empty minHeight={HEIGHT + 60}>
          <p>
            {history.length === 0
              ? 'No history yet. Scores appear here as your logs are scored, about a minute after they arrive.'
              : `No scores in ${range.id === 'custom' ? 'this time range' : `the ${pageRangeLabel(range)}`}. Pick a longer time range.`}
          </p>
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
            data-x-min={bounds.min}
            data-x-max={bounds.max}
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
                : 'Hover or focus the chart for details; click a point for its logs, drag across to zoom.'}
          </p>
        </>
      )}
    </section>
  );
}
