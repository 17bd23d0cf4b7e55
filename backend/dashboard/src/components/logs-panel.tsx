import type { Level, LogFacets } from '@cloudsage/schema';
import { useEffect, useMemo, useRef, useState } from 'react';
import { logFacets } from '../api/endpoints.js';
import { messageOf } from '../api/http.js';
import { useLiveLogs } from '../hooks/use-live-logs.js';
import { addTerm } from '../lib/log-query.js';
import { setQuery, useLocation } from '../lib/router.js';
import { type RangeId, rangeMs } from '../lib/time-range.js';
import { button, card, check, checkbox, control, field, row } from '../lib/ui.js';
import { LogFacetsRail } from './log-facets.js';
import { LogRow, logTime, ROW_GRID } from './log-row.js';
import { LogTemplates } from './log-templates.js';
import { Empty, ErrorState, Loading } from './states.js';

const LEVELS: Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** The search grammar in one line (the API's `q`; backend/src/services/logs/log-search.ts). */
const GRAMMAR_HELP = 'service:checkout level:>=warn "timeout" -healthcheck · attribute paths: res.statusCode:>=500';

/** Facet counts are read again at most this often while rows arrive. */
const FACETS_EVERY_MS = 5000;

const isTime = (v: string | null) => (v && !Number.isNaN(Date.parse(v)) ? v : undefined);

/** Props of {@link LogsPanel}. */
export interface LogsPanelProps {
  projectId: string;
  /** Counts the project's ingest events: the live tail asks for newer records on each. */
  refreshKey: number;
  range: RangeId;
}

/**
 * The logs of the page's time range, newest first, live: new records come in on top unless the
 * reader paused, scrolled into the list or opened a row, when an "N new" button holds them. The
 * filters live in the URL (`?level=error&q=service:api&group=1&from&to`), so a view can be shared.
 */
export function LogsPanel({ projectId, refreshKey, range }: LogsPanelProps) {
  const { query } = useLocation();
  const level = (LEVELS as string[]).includes(query.get('level') ?? '') ? (query.get('level') as Level) : undefined;
  const q = query.get('q') ?? '';
  const grouped = query.get('group') === '1';
  // A window (from a chart point or a forecast action) is shown and can be cleared.
  const from = isTime(query.get('from'));
  const to = isTime(query.get('to'));
  const [search, setSearch] = useState(q);
  const [paused, setPaused] = useState(false);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const listRef = useRef<HTMLElement>(null);

  // Search as you type, a moment after typing stops; a facet or trace click writes q directly.
  useEffect(() => {
    const t = setTimeout(() => setQuery({ q: search.trim() || undefined }), 300);
    return () => clearTimeout(t);
  }, [search]);
  useEffect(() => setSearch((s) => (s.trim() === q ? s : q)), [q]);

  const filterKey = JSON.stringify([level, q, from, to, range]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `filterKey` names every input; `from` is read at load.
  const filter = useMemo(
    () => ({ level, q: q || undefined, from: from ?? new Date(Date.now() - rangeMs(range)).toISOString(), to }),
    [filterKey],
  );
  const holdRef = useRef<() => boolean>(() => false);
  // Held while paused, while a row is open, or while the list's top has scrolled out of view.
  holdRef.current = () => paused || open.size > 0 || (listRef.current?.getBoundingClientRect().top ?? 0) < 0;
  const logs = useLiveLogs({
    projectId,
    query: filter,
    filterKey,
    // Grouping works on what is loaded, so it asks for the most the API gives in one page.
    limit: grouped ? 1000 : 50,
    ingestKey: refreshKey,
    live: to === undefined,
    hold: () => holdRef.current(),
  });

  const [facets, setFacets] = useState<LogFacets>();
  // Counts follow the filter, and the rows shown when a live tail added some: at most every few
  // seconds, so steady traffic stays well inside the API's read rate.
  const [facetsTick, setFacetsTick] = useState(0);
  const facetsTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const newest = logs.rows[0]?.key;
  useEffect(() => {
    if (newest === undefined || facetsTimer.current) return;
    facetsTimer.current = setTimeout(() => {
      facetsTimer.current = undefined;
      setFacetsTick((t) => t + 1);
    }, FACETS_EVERY_MS);
  }, [newest]);
  useEffect(() => () => clearTimeout(facetsTimer.current), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `facetsTick` asks for fresh counts.
  useEffect(() => {
    const controller = new AbortController();
    logFacets(projectId, filter, controller.signal).then(setFacets, () => undefined);
    return () => controller.abort();
  }, [projectId, filter, facetsTick]);

  const addFacet = (term: string) => setQuery({ q: addTerm(q, term) });
  const toggle = (key: number) =>
    setOpen((s) => {
      const next = new Set(s);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  // The held rows go on top of the list: bring its top into view if the reader had scrolled past it.
  const showNew = () => {
    logs.showPending();
    if ((listRef.current?.getBoundingClientRect().top ?? 0) < 0) listRef.current?.scrollIntoView({ block: 'start' });
  };
  const resume = () => {
    setPaused(false);
    logs.showPending();
  };

  let body: React.ReactNode;
  if (logs.status === 'error' && logs.rows.length === 0)
    body = (
      <ErrorState title="Could not load logs" message={messageOf(logs.error)} onRetry={logs.reload} minHeight={240} />
    );
  else if (logs.status === 'loading') body = <Loading label="Loading logs" minHeight={240} />;
  else if (logs.rows.length === 0)
    body = (
      <Empty minHeight={240}>
        <p>
          {q || level || from || to
            ? 'No logs match these filters.'
            : 'No logs in this time range. Send some above, or set up an SDK in API keys.'}
        </p>
      </Empty>
    );
  else if (grouped) body = <LogTemplates logs={logs.rows.map((r) => r.record)} />;
  else
    body = (
      <>
        <div className={`${ROW_GRID} px-2 text-muted text-sm font-semibold max-md:hidden`} aria-hidden="true">
          <span>Time</span>
          <span>Level</span>
          <span>Service</span>
          <span>Message</span>
        </div>
        <ul className="m-0 list-none p-0" aria-label="Recent logs">
          {logs.rows.map(({ key, record }) => (
            <LogRow
              key={key}
              record={record}
              open={open.has(key)}
              onToggle={() => toggle(key)}
              onTrace={(id) => setQuery({ q: `trace:${id}` })}
            />
          ))}
        </ul>
      </>
    );

  return (
    <section className={card} aria-labelledby="logs-title">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="logs-title" className="m-0">
          Recent logs
        </h2>
        {to === undefined && (
          <div className={`${row} flex-wrap`}>
            <span className="text-muted text-sm" role="status" data-testid="tail-status">
              {paused ? 'Paused' : 'Live'}
            </span>
            <button
              type="button"
              className={button('default', 'small')}
              aria-pressed={paused}
              onClick={() => (paused ? resume() : setPaused(true))}
            >
              {paused ? 'Resume' : 'Pause'}
            </button>
          </div>
        )}
      </div>
      {(from || to) && (
        <p className="text-sm" data-testid="logs-range">
          From {from ? logTime(from) : 'the start'} to {to ? logTime(to) : 'now'}{' '}
          <button
            type="button"
            className={button('ghost', 'small')}
            onClick={() => setQuery({ from: undefined, to: undefined })}
          >
            Show the whole range
          </button>
        </p>
      )}
      <div className={`${row} flex-wrap`}>
        <label className={`${field} min-w-36`}>
          <span>Level (and above)</span>
          <select
            className={control}
            value={level ?? ''}
            onChange={(e) => setQuery({ level: e.target.value || undefined })}
          >
            <option value="">All levels</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label className={`${field} min-w-0 flex-[1_1_12rem]`}>
          <span>Search logs</span>
          <input
            className={control}
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="timeout"
            aria-describedby="logs-grammar"
          />
        </label>
        <label className={`${check} self-end`}>
          <input
            className={checkbox}
            type="checkbox"
            checked={grouped}
            onChange={(e) => setQuery({ group: e.target.checked ? '1' : undefined })}
          />
          Group by template
        </label>
      </div>
      <p id="logs-grammar" className="mt-1 mb-0 wrap-anywhere text-muted text-xs">
        {GRAMMAR_HELP}
      </p>
      <div className="my-3 grid grid-cols-1 gap-4 md:grid-cols-[12rem_minmax(0,1fr)]">
        <LogFacetsRail facets={facets} onAdd={addFacet} />
        <section
          ref={listRef}
          className="min-h-[240px] min-w-0"
          aria-busy={logs.status === 'loading'}
          aria-label="Logs"
        >
          {logs.pending.length > 0 && (
            // No height of its own and sticky: it appears without pushing down the rows being read
            // (Chromium's scroll anchoring did not hold them; Safari has none) and stays in sight.
            <div className="sticky top-2 z-10 flex h-0 justify-end">
              <button type="button" className={button('primary', 'small')} onClick={showNew}>
                {logs.pending.length} new — show
              </button>
            </div>
          )}
          {body}
        </section>
      </div>
      {logs.partial && !grouped && logs.cursor && (
        <p className="text-sm" data-testid="logs-partial">
          Search stopped at its {logs.partial.budget} budget — more may match.{' '}
          <button type="button" className={button('default', 'small')} onClick={logs.loadOlder}>
            {logs.loadingOlder ? 'Searching…' : 'Search on'}
          </button>
        </p>
      )}
      {logs.cursor && !logs.partial && !grouped && (
        <button type="button" className={button()} onClick={logs.loadOlder} disabled={logs.loadingOlder}>
          {logs.loadingOlder ? 'Loading…' : 'Load older logs'}
        </button>
      )}
    </section>
  );
}
