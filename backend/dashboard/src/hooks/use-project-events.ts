import type { Forecast, IngestEvent, RiskPoint } from '@cloudsage/schema';
import { useEffect, useRef, useState } from 'react';

/** Handlers of the project's live events (docs/architecture.md, "Events"). */
export interface ProjectEventHandlers {
  onScore?: (point: RiskPoint) => void;
  onForecast?: (forecast: Forecast) => void;
  onIngest?: (counts: IngestEvent) => void;
}

/** `live` once the stream is open, `reconnecting` while EventSource retries on its own. */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

function parse<T>(e: MessageEvent): T | undefined {
  try {
    return JSON.parse(e.data as string) as T;
  } catch {
    return undefined;
  }
}

/**
 * Subscribes to `GET /api/projects/:id/events` with the session cookie. EventSource reconnects by
 * itself and sends `Last-Event-ID`, so the server replays what was missed. `undefined` waits.
 */
export function useProjectEvents(projectId: string | undefined, handlers: ProjectEventHandlers): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    // No project (yet, or not found): no stream, so a missing project costs one request, not five.
    if (projectId === undefined) return;
    const source = new EventSource(`/api/projects/${encodeURIComponent(projectId)}/events`);
    source.onopen = () => setStatus('live');
    source.onerror = () => setStatus('reconnecting');
    source.addEventListener('score', (e) => {
      const point = parse<RiskPoint>(e);
      if (point) ref.current.onScore?.(point);
    });
    source.addEventListener('forecast', (e) => {
      const forecast = parse<Forecast>(e);
      if (forecast) ref.current.onForecast?.(forecast);
    });
    source.addEventListener('ingest', (e) => {
      const counts = parse<IngestEvent>(e);
      if (counts) ref.current.onIngest?.(counts);
    });
    return () => source.close();
  }, [projectId]);
  return status;
}
