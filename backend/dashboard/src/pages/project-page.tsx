import type { Forecast, RiskPoint } from '@cloudsage/schema';
import { useCallback, useRef, useState } from 'react';
import { getProject, forecast as loadForecast, riskHistory } from '../api/endpoints.js';
import { ApiError, messageOf } from '../api/http.js';
import { ForecastCard } from '../components/forecast-card.js';
import { HistoryChart } from '../components/history-chart.js';
import { IngestPanel } from '../components/ingest-panel.js';
import { KeysPanel } from '../components/keys-panel.js';
import { LogsPanel } from '../components/logs-panel.js';
import { RangePicker } from '../components/range-picker.js';
import { RiskPanel } from '../components/risk-panel.js';
import { ErrorState, Loading } from '../components/states.js';
import { Tabs } from '../components/tabs.js';
import { usePageTitle } from '../hooks/use-page-title.js';
import { type LiveStatus, useProjectEvents } from '../hooks/use-project-events.js';
import { useResource } from '../hooks/use-resource.js';
import { displayName } from '../lib/display-name.js';
import { Link, navigate, setQuery, useLocation } from '../lib/router.js';
import { type CustomRange, customQuery, DEFAULT_RANGE, pageRangeDays, pageRangeOf } from '../lib/time-range.js';
import { stack } from '../lib/ui.js';
import { NotFoundPage } from './not-found-page.js';
import { PAGE } from './page.js';

type Tab = 'overview' | 'logs' | 'keys';
const TABS: ReadonlyArray<{ id: Tab; label: string }> = [
  { id: 'overview', label: 'Overview' },
  { id: 'logs', label: 'Logs' },
  { id: 'keys', label: 'API keys' },
];

const LIVE_TEXT: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

const LIVE_DOT: Record<LiveStatus, string> = {
  connecting: 'bg-muted',
  live: 'bg-normal',
  reconnecting: 'bg-elevated',
};

/**
 * A forecast from the events stream replaces the one shown unless it is older (a replay after a
 * reconnect). The server makes a new forecast when a score leaves the band or the labels change,
 * so the page never asks for one per score.
 */
function newer(shown: Forecast | undefined, incoming: Forecast): Forecast {
  return shown && shown.createdAt > incoming.createdAt ? shown : incoming;
}

function addPoint(list: RiskPoint[] | undefined, point: RiskPoint): RiskPoint[] {
  const rest = (list ?? []).filter((p) => p.id !== point.id);
  return [...rest, point].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
}

/** `/projects/:id`: risk, history chart and forecast; logs and ingest; keys. Live from the events stream. */
export default function ProjectPage({ projectId }: { projectId: string }) {
  const { query } = useLocation();
  const tab: Tab = TABS.some((t) => t.id === query.get('tab')) ? (query.get('tab') as Tab) : 'overview';
  const range = pageRangeOf(query);
  const project = useResource(() => getProject(projectId), projectId);
  // The rest waits for the project: a wrong or foreign id then costs one 404, not five.
  const found = project.data?.id === projectId ? projectId : undefined;
  const waiting = () => new Promise<never>(() => {});
  const days = pageRangeDays(range, Date.now());
  const history = useResource(
    () => (found ? riskHistory(found, days) : waiting()),
    found ? `${found}|${days}` : 'waiting',
  );
  const forecast = useResource<Forecast>(() => (found ? loadForecast(found) : waiting()), found ?? 'waiting');
  const [ingested, setIngested] = useState(0);
  // The latest live event of each kind, side by side, so a score does not hide an ingest.
  const [notice, setNotice] = useState<{ ingest?: string; score?: string }>({});
  const name = project.data ? displayName(project.data.name) : undefined;
  usePageTitle(name ?? 'Project');

  // The "Regenerate forecast" button, one request at a time; scores never trigger it.
  const regen = useRef<Promise<void> | undefined>(undefined);
  const regenerate = useCallback((): Promise<void> => {
    regen.current ??= loadForecast(projectId, true)
      .then(
        (fresh) => forecast.set((shown) => newer(shown, fresh)),
        () => forecast.reload(),
      )
      .finally(() => {
        regen.current = undefined;
      });
    return regen.current;
  }, [projectId, forecast.set, forecast.reload]);

  const live = useProjectEvents(found, {
    onScore: (point) => {
      history.set((list) => addPoint(list, point));
      setNotice((n) => ({
        ...n,
        score: `New score ${Math.round(point.score)} at ${new Date(point.timestamp).toLocaleTimeString()}`,
      }));
    },
    onForecast: (f) => forecast.set((shown) => newer(shown, f)),
    onIngest: (c) => {
      setIngested((n) => n + 1);
      setNotice((n) => ({
        ...n,
        ingest: `${c.accepted} records received${c.rejected ? `, ${c.rejected} rejected` : ''}`,
      }));
    },
  });
  // A new history entry: Back returns from a point's logs to the chart.
  const openLogs = ({ from, to }: { from: string; to: string }) => {
    const url = new URL(window.location.href);
    url.searchParams.set('tab', 'logs');
    url.searchParams.set('from', from);
    url.searchParams.set('to', to);
    navigate(url.pathname + url.search);
  };
  // A custom range (typed in, or dragged on the chart) is a new history entry: Back undoes a zoom.
  const showCustom = (custom: CustomRange) => {
    const url = new URL(window.location.href);
    for (const [k, v] of Object.entries(customQuery(custom))) url.searchParams.set(k, v);
    navigate(url.pathname + url.search);
  };
  const onIngested = useCallback(() => setIngested((n) => n + 1), []);

  if (project.status === 'error' && project.error instanceof ApiError && project.error.status === 404) {
    return <NotFoundPage what="project" />;
  }
  if (project.status === 'error' && !project.data) {
    return (
      <section className={PAGE}>
        <ErrorState title="Could not load the project" message={messageOf(project.error)} onRetry={project.reload} />
      </section>
    );
  }

  const points = history.data ?? [];
  // The overview's cards are drawn together once both loads have settled: drawn one by one, each
  // arrival pushed the cards below it down (layout shift), most of all on a phone's single column.
  const settled = (r: { status: string; data: unknown }) => r.status !== 'loading' || r.data !== undefined;
  const overviewSettled = settled(history) && settled(forecast);
  const latest = points[points.length - 1];
  return (
    <section className={PAGE}>
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/projects">Projects</Link> <span aria-hidden="true">/</span>
      </nav>
      <div className="flex flex-wrap items-center justify-between gap-4">
        {/* A long unbroken name wraps anywhere rather than widen the page. */}
        <h1 className="min-w-0 wrap-anywhere">{name ?? <span className="text-muted">Loading project</span>}</h1>
        <span className="inline-flex items-center gap-[0.4rem] text-ui text-muted" role="status">
          <span className={`size-[0.6rem] rounded-full ${LIVE_DOT[live]}`} aria-hidden="true" />
          {LIVE_TEXT[live]}
        </span>
      </div>
      <p className="mt-0 mb-2 min-h-[1.3em] text-sm text-muted" aria-live="polite">
        {[notice.ingest, notice.score].filter(Boolean).join(' · ')}
      </p>
      <div className="flex flex-wrap items-end justify-between gap-2">
        <Tabs
          label="Project sections"
          idPrefix="project"
          tabs={TABS}
          selected={tab}
          onSelect={(t) => setQuery({ tab: t === 'overview' ? undefined : t })}
        />
        {tab !== 'keys' && (
          // A range clears a window picked on the chart: the two would disagree.
          <RangePicker
            value={range}
            onChange={(r) => setQuery({ range: r, from: undefined, to: undefined })}
            onCustom={showCustom}
          />
        )}
      </div>
      <div role="tabpanel" id={`project-panel-${tab}`} aria-labelledby={`project-tab-${tab}`}>
        {!found && <Loading label="Loading the project" minHeight={600} />}
        {found && tab === 'overview' && !overviewSettled && <Loading label="Loading the overview" minHeight={600} />}
        {found && tab === 'overview' && overviewSettled && (
          <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
            {history.status === 'error' && !history.data ? (
              <ErrorState
                title="Could not load the risk history"
                message={messageOf(history.error)}
                onRetry={history.reload}
              />
            ) : !history.data ? (
              <Loading label="Loading risk" minHeight={220} />
            ) : (
              <RiskPanel point={latest} />
            )}
            <ForecastCard
              projectId={projectId}
              forecast={forecast.data}
              status={forecast.status}
              error={forecast.error}
              onRetry={forecast.reload}
              onRegenerate={regenerate}
              latest={latest}
            />
            <div className="col-span-full">
              {history.data ? (
                <HistoryChart
                  history={points}
                  forecast={forecast.data}
                  range={range}
                  onZoom={showCustom}
                  onPick={openLogs}
                />
              ) : (
                <Loading label="Loading history" minHeight={360} />
              )}
            </div>
          </div>
        )}
        {found && tab === 'logs' && (
          <div className={stack}>
            <IngestPanel projectId={projectId} onIngested={onIngested} />
            <LogsPanel
              projectId={projectId}
              refreshKey={ingested}
              range={range.id === 'custom' ? DEFAULT_RANGE : range.id}
            />
          </div>
        )}
        {found && tab === 'keys' && (
          <div className={stack}>
            <KeysPanel projectId={projectId} />
          </div>
        )}
      </div>
    </section>
  );
}
