import type { Forecast, RiskPoint } from '@cloudsage/schema';
import { useState } from 'react';
import { sendFeedback } from '../api/endpoints.js';
import { ApiError, messageOf } from '../api/http.js';
import { evidenceLabel, forecastParts, localizeTimes, logsHref } from '../lib/forecast-view.js';
import { Link } from '../lib/router.js';
import { formatScore } from '../lib/score-band.js';
import { button, card, row } from '../lib/ui.js';
import { ErrorState, Loading } from './states.js';

const BY: Record<Forecast['generatedBy'], string> = {
  builtin: 'built-in model',
  llm: 'language model',
  'builtin-fallback': 'built-in model (language model unavailable)',
};

function Vote({ projectId, forecastId }: { projectId: string; forecastId: string }) {
  const [state, setState] = useState<{ status: 'idle' | 'sending' | 'sent'; accurate?: boolean; error?: string }>({
    status: 'idle',
  });
  const vote = async (accurate: boolean) => {
    setState({ status: 'sending', accurate });
    try {
      await sendFeedback(projectId, forecastId, accurate);
      setState({ status: 'sent', accurate });
    } catch (err) {
      setState({ status: 'idle', error: messageOf(err) });
    }
  };
  return (
    <fieldset className="m-0 flex flex-col gap-[0.4rem] border-0 border-border border-t px-0 pt-3 pb-0">
      <legend className="float-left mb-[0.4rem] w-full p-0 font-semibold">Was this forecast accurate?</legend>
      <div className={row}>
        <button
          type="button"
          className={button()}
          aria-pressed={state.accurate === true && state.status === 'sent'}
          disabled={state.status !== 'idle'}
          onClick={() => vote(true)}
        >
          Accurate
        </button>
        <button
          type="button"
          className={button()}
          aria-pressed={state.accurate === false && state.status === 'sent'}
          disabled={state.status !== 'idle'}
          onClick={() => vote(false)}
        >
          Inaccurate
        </button>
      </div>
      <p className="m-0 min-h-[1.3em] text-sm" role="status">
        {state.status === 'sent' ? 'Thanks: your vote is recorded and tunes later forecasts.' : ''}
        {state.error ? `Vote not sent: ${state.error}` : ''}
      </p>
    </fieldset>
  );
}

/** Props of {@link ForecastCard}. */
export interface ForecastCardProps {
  projectId: string;
  forecast: Forecast | undefined;
  status: 'loading' | 'ready' | 'error';
  error: unknown;
  onRetry: () => void;
  /** Asks for a new forecast (`?refresh=1`); the server also makes one by itself when scores move. */
  onRegenerate: () => Promise<void>;
  /** The latest live score, to say when it has moved away from the one the forecast started from. */
  latest?: RiskPoint | undefined;
}

/**
 * Whether the latest score left the forecast's first-hour band or changed labels: the server then
 * writes a new forecast, at most one per project every 5 minutes, so for a while the two differ.
 */
function movedSince(f: Forecast, latest: RiskPoint | undefined): boolean {
  if (!f.now || !latest || latest.timestamp <= f.now.at) return false;
  const band = f.predicted.series[0];
  const labels = new Set(f.now.labels);
  const changed = latest.labels.length !== labels.size || latest.labels.some((l) => !labels.has(l));
  return changed || (band !== undefined && (latest.score < band.low || latest.score > band.high));
}

/** What the latest score is made of; the parts add up to the score the risk panel shows. */
function ScoreParts({ now }: { now: NonNullable<Forecast['now']> }) {
  if (!now.contributions?.length) return null;
  return (
    <p className="text-sm" data-testid="forecast-parts">
      Score {formatScore(now.score)} ={' '}
      {now.contributions.map((c, i) => (
        <span key={c.label}>
          {i > 0 && ' + '}
          {c.label} {c.points}
        </span>
      ))}
    </p>
  );
}

/**
 * Today's forecast: a headline, three numbered actions each with a link to the logs behind it,
 * the details folded away, and the vote. Times are in the viewer's zone.
 */
export function ForecastCard(props: ForecastCardProps) {
  const f = props.forecast;
  const [regenerating, setRegenerating] = useState(false);
  const regenerate = async () => {
    setRegenerating(true);
    await props.onRegenerate();
    setRegenerating(false);
  };
  let body: React.ReactNode;
  if (!f && props.status === 'error') {
    const missing = props.error instanceof ApiError && props.error.status === 404;
    body = missing ? (
      <p className="text-muted">No forecast yet: it is written once there is some history.</p>
    ) : (
      <ErrorState title="Could not load the forecast" message={messageOf(props.error)} onRetry={props.onRetry} />
    );
  } else if (!f) body = <Loading label="Loading today's forecast" minHeight={200} />;
  else {
    const { headline, details } = forecastParts(f);
    body = (
      <>
        <p className="mt-0 text-lead" data-testid="forecast-headline">
          {localizeTimes(headline)}
        </p>
        {f.now && <ScoreParts now={f.now} />}
        {movedSince(f, props.latest) && (
          <p className="text-sm text-elevated" role="status" data-testid="forecast-moved">
            The score has moved since this forecast ({formatScore(f.now?.score)} then,{' '}
            {formatScore(props.latest?.score)} now); a new one follows within 5 minutes of this one.
          </p>
        )}
        <p className="text-muted text-sm">
          Next {f.predicted.horizonHours} h: <strong>{formatScore(f.predicted.score)}</strong> (likely{' '}
          {formatScore(f.predicted.low)}–{formatScore(f.predicted.high)})
          {f.now && <> · from the score of {new Date(f.now.at).toLocaleString()}</>}
        </p>
        <h3>What to do</h3>
        <ol className="mt-1 mb-3 list-decimal pl-5" data-testid="forecast-actions">
          {f.actions.map((a, i) => {
            const e = f.evidence?.[i];
            return (
              <li key={a} className="mb-[0.35rem]">
                {localizeTimes(a)}
                {e && (
                  <>
                    {' '}
                    <Link href={logsHref(props.projectId, e)} className="text-sm" data-testid="action-logs">
                      {evidenceLabel(e)}
                    </Link>
                  </>
                )}
              </li>
            );
          })}
        </ol>
        <details className="mb-3" data-testid="forecast-details">
          <summary className="cursor-pointer">Details</summary>
          <ul className="mt-1 mb-0 list-disc pl-5">
            {details.map((d) => (
              <li key={d}>{localizeTimes(d)}</li>
            ))}
          </ul>
          <p className="text-muted text-sm">
            Made {new Date(f.createdAt).toLocaleString()} · {BY[f.generatedBy]} · {f.basis.method} · confidence{' '}
            {f.basis.confidence}
            {f.basis.droppedRecords
              ? ` · ${f.basis.droppedRecords} ${f.basis.droppedRecords === 1 ? 'record was' : 'records were'} dropped by SDKs, so input was incomplete`
              : ''}
          </p>
        </details>
        <Vote key={f.id} projectId={props.projectId} forecastId={f.id} />
        <button type="button" className={button('ghost', 'small')} onClick={regenerate} disabled={regenerating}>
          {regenerating ? 'Regenerating…' : 'Regenerate forecast'}
        </button>
      </>
    );
  }
  return (
    <section className={`${card} min-h-[220px]`} aria-labelledby="forecast-title" data-testid="forecast">
      <h2 id="forecast-title">Today's forecast</h2>
      {body}
    </section>
  );
}
