import type { Level, LogRecord } from '@cloudsage/schema';
import { useEffect, useState } from 'react';
import { recentLogs } from '../api/endpoints.js';
import { messageOf } from '../api/http.js';
import { useResource } from '../hooks/use-resource.js';
import { setQuery, useLocation } from '../lib/router.js';
import { groupByTemplate } from '../lib/templates.js';
import { Empty, ErrorState, Loading } from './states.js';

const LEVELS: Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

function LevelBadge({ level }: { level: Level }) {
  return <span className={`level level-${level}`}>{level}</span>;
}

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
    (signal) => recentLogs(projectId, { level, q: q || undefined, limit: grouped ? 1000 : 50 }, signal),
    JSON.stringify([projectId, level, q, grouped]),
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
      const next = await recentLogs(projectId, { level, q: q || undefined, cursor: more.cursor, limit: 50 });
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
          {q || level ? 'No logs match these filters.' : 'No logs yet. Send some above, or set up an SDK in API keys.'}
        </p>
      </Empty>
    );
  else if (grouped)
    body = (
      <table className="table" aria-label="Log templates">
        <thead>
          <tr>
            <th scope="col">Count</th>
            <th scope="col">Level</th>
            <th scope="col">Template</th>
            <th scope="col" className="hide-narrow">
              Last seen
            </th>
          </tr>
        </thead>
        <tbody>
          {groupByTemplate(logs).map((g) => (
            <tr key={g.template}>
              <td className="num">{g.count}</td>
              <td>
                <LevelBadge level={g.level} />
              </td>
              <td className="msg">
                <code>{g.template}</code>
              </td>
              <td className="hide-narrow nowrap">{time(g.lastSeen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  else
    body = (
      <table className="table" aria-label="Recent logs">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Level</th>
            <th scope="col" className="hide-narrow">
              Service
            </th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {keyed.map(({ r, key }) => (
            <tr key={key}>
              <td className="nowrap small">{time(r.time)}</td>
              <td>
                <LevelBadge level={r.level} />
              </td>
              <td className="hide-narrow small">{r.service ?? ''}</td>
              <td className="msg">{r.msg}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );

  return (
    <section className="card" aria-labelledby="logs-title">
      <h2 id="logs-title">Recent logs</h2>
      <div className="row wrap filters">
        <label className="field">
          <span>Level (and above)</span>
          <select value={level ?? ''} onChange={(e) => setQuery({ level: e.target.value || undefined })}>
            <option value="">All levels</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label className="field grow">
          <span>Search messages</span>
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="timeout" />
        </label>
        <label className="check align-end">
          <input
            type="checkbox"
            checked={grouped}
            onChange={(e) => setQuery({ group: e.target.checked ? '1' : undefined })}
          />
          Group by template
        </label>
      </div>
      <section
        className="table-wrap"
        aria-busy={page.status === 'loading'}
        aria-label="Log table"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than a phone scrolls sideways; keyboard users must reach it.
        tabIndex={0}
      >
        {body}
      </section>
      {more.cursor && !grouped && (
        <button type="button" className="btn" onClick={loadMore} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Load older logs'}
        </button>
      )}
    </section>
  );
}
