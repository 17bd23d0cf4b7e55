import type { Level, LogRecord } from '@cloudsage/schema';
import { useEffect, useState } from 'react';
import { recentLogs } from '../api/endpoints.js';
import { messageOf } from '../api/http.js';
import { useResource } from '../hooks/use-resource.js';
import { setQuery, useLocation } from '../lib/router.js';
import { groupByTemplate } from '../lib/templates.js';
import { button, card, check, checkbox, control, field, row } from '../lib/ui.js';
import { Empty, ErrorState, Loading } from './states.js';

const LEVELS: Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

const LEVEL_CLASS: Record<Level, string> = {
  trace: 'bg-none-bg text-muted',
  debug: 'bg-none-bg text-muted',
  info: 'bg-none-bg text-accent',
  warn: 'bg-elevated-bg text-elevated',
  error: 'bg-high-bg text-high',
  fatal: 'bg-high-bg text-high',
};

function LevelBadge({ level }: { level: Level }) {
  return (
    <span
      className={`inline-block min-w-[3.2rem] rounded-sm px-[0.3rem] text-center font-bold text-xs uppercase ${LEVEL_CLASS[level]}`}
    >
      {level}
    </span>
  );
}

const TABLE = 'w-full border-collapse text-sm';
const CELL = 'border-border border-b px-2 py-[0.4rem] text-left align-top';
const TH = `${CELL} font-semibold text-muted`;
/** A log message or template: long tokens (ids, URLs) break anywhere rather than widen the table. */
const MSG = `${CELL} wrap-anywhere`;

function time(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/**
 * Recent logs, newest first, with a minimum-level filter, search and template grouping. The filters
 * live in the URL (`?level=error&q=timeout&group=1`), so a filtered view can be shared.
 */
export function LogsPanel({ projectId, refreshKey }: { projectId: string; refreshKey: number }) {
  const { query } = useLocation();
  const level = (LEVELS as string[]).includes(query.get('level') ?? '') ? (query.get('level') as Level) : undefined;
  const q = query.get('q') ?? '';
  const grouped = query.get('group') === '1';
  // A time range arrives with a link from a forecast action; it is shown and can be cleared.
  const isTime = (v: string | null) => (v && !Number.isNaN(Date.parse(v)) ? v : undefined);
  const from = isTime(query.get('from'));
  const to = isTime(query.get('to'));
  const [search, setSearch] = useState(q);
  const [more, setMore] = useState<{ logs: LogRecord[]; cursor: string | null }>({ logs: [], cursor: null });
  const [loadingMore, setLoadingMore] = useState(false);

  // Search as you type, a moment after typing stops.
  useEffect(() => {
    const t = setTimeout(() => setQuery({ q: search.trim() || undefined }), 300);
    return () => clearTimeout(t);
  }, [search]);

  const page = useResource(
    // Grouping works on what is loaded, so it asks for the most the API gives in one page.
    (signal) => recentLogs(projectId, { level, q: q || undefined, from, to, limit: grouped ? 1000 : 50 }, signal),
    JSON.stringify([projectId, level, q, grouped, from, to]),
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new ingest (refreshKey) reloads in place.
  useEffect(() => {
    if (refreshKey > 0) page.reload();
  }, [refreshKey]);
  useEffect(() => setMore({ logs: [], cursor: page.data?.nextCursor ?? null }), [page.data]);

  const logs = [...(page.data?.logs ?? []), ...more.logs];
  // Records have no id; time plus position is stable because pages only ever append.
  const keyed = logs.map((r, i) => ({ r, key: `${r.time}|${i}` }));
  const loadMore = async () => {
    if (!more.cursor) return;
    setLoadingMore(true);
    try {
      const next = await recentLogs(projectId, { level, q: q || undefined, from, to, cursor: more.cursor, limit: 50 });
      setMore((m) => ({ logs: [...m.logs, ...next.logs], cursor: next.nextCursor }));
    } finally {
      setLoadingMore(false);
    }
  };

  let body: React.ReactNode;
  if (page.status === 'error' && !page.data)
    body = (
      <ErrorState title="Could not load logs" message={messageOf(page.error)} onRetry={page.reload} minHeight={240} />
    );
  else if (!page.data) body = <Loading label="Loading logs" minHeight={240} />;
  else if (logs.length === 0)
    body = (
      <Empty minHeight={240}>
        <p>
          {q || level || from || to
            ? 'No logs match these filters.'
            : 'No logs yet. Send some above, or set up an SDK in API keys.'}
        </p>
      </Empty>
    );
  else if (grouped)
    body = (
      <table className={TABLE} aria-label="Log templates">
        <thead>
          <tr>
            <th scope="col" className={TH}>
              Count
            </th>
            <th scope="col" className={TH}>
              Level
            </th>
            <th scope="col" className={TH}>
              Template
            </th>
            <th scope="col" className={`${TH} max-md:hidden`}>
              Last seen
            </th>
          </tr>
        </thead>
        <tbody>
          {groupByTemplate(logs).map((g) => (
            <tr key={g.template}>
              <td className={`${CELL} tabular-nums`}>{g.count}</td>
              <td className={CELL}>
                <LevelBadge level={g.level} />
              </td>
              <td className={MSG}>
                <code>{g.template}</code>
              </td>
              <td className={`${CELL} whitespace-nowrap max-md:hidden`}>{time(g.lastSeen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  else
    body = (
      <table className={TABLE} aria-label="Recent logs">
        <thead>
          <tr>
            <th scope="col" className={TH}>
              Time
            </th>
            <th scope="col" className={TH}>
              Level
            </th>
            <th scope="col" className={`${TH} max-md:hidden`}>
              Service
            </th>
            <th scope="col" className={TH}>
              Message
            </th>
          </tr>
        </thead>
        <tbody>
          {keyed.map(({ r, key }) => (
            <tr key={key}>
              <td className={`${CELL} whitespace-nowrap text-sm`}>{time(r.time)}</td>
              <td className={CELL}>
                <LevelBadge level={r.level} />
              </td>
              <td className={`${CELL} text-sm max-md:hidden`}>{r.service ?? ''}</td>
              <td className={MSG} data-testid="log-message">
                {r.msg}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );

  return (
    <section className={card} aria-labelledby="logs-title">
      <h2 id="logs-title">Recent logs</h2>
      {(from || to) && (
        <p className="text-sm" data-testid="logs-range">
          From {from ? time(from) : 'the start'} to {to ? time(to) : 'now'}{' '}
          <button
            type="button"
            className={button('ghost', 'small')}
            onClick={() => setQuery({ from: undefined, to: undefined })}
          >
            Show all times
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
        <label className={`${field} min-w-36 flex-[1_1_12rem]`}>
          <span>Search messages</span>
          <input
            className={control}
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="timeout"
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
      <section
        className="my-3 min-h-[240px] overflow-x-auto"
        aria-busy={page.status === 'loading'}
        aria-label="Log table"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than a phone scrolls sideways; keyboard users must reach it.
        tabIndex={0}
      >
        {body}
      </section>
      {more.cursor && !grouped && (
        <button type="button" className={button()} onClick={loadMore} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Load older logs'}
        </button>
      )}
    </section>
  );
}
