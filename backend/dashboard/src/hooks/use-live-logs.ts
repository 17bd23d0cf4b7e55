import type { LogRecord, LogsPage } from '@cloudsage/schema';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type LogsQuery, recentLogs } from '../api/endpoints.js';

/** A shown record and a key of its own (records have no id; keys must survive rows added on top). */
export interface LogRow {
  key: number;
  record: LogRecord;
}

/** Options of {@link useLiveLogs}. */
export interface LiveLogsOptions {
  projectId: string;
  /** The filter; `from` is computed by `range` at each (re)load when absent. */
  query: Omit<LogsQuery, 'cursor' | 'limit'>;
  /** JSON of everything the filter depends on: a change loads a first page afresh. */
  filterKey: string;
  limit: number;
  /** Counts ingest events; each change asks for what is newer than the newest row, debounced. */
  ingestKey: number;
  /** Off for a fixed window (an explicit `to`): nothing newer belongs in it. */
  live: boolean;
  /** True while new rows must wait (paused, scrolled, a row open): they go to `pending`. */
  hold: () => boolean;
}

/**
 * Records newer than the newest shown are asked for at most once in this many ms: the API allows
 * a caller 120 reads a minute (CLOUDSAGE_SEARCH_RATE_PER_MIN), and the facets read too.
 */
export const TAIL_EVERY_MS = 2000;
/** Most records one tail fetch brings. */
const TAIL_LIMIT = 200;

// Keys only need to be unique within the page, so one counter serves every list.
let nextKey = 0;
const toRows = (logs: LogRecord[]): LogRow[] => logs.map((record) => ({ key: nextKey++, record }));

const same = (a: LogRecord, b: LogRecord) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A logs list that stays put while it grows: a first page, older pages on demand (kept while live),
 * and new records fetched only past the newest one shown, once per burst of ingest events rather
 * than once per event. New records go on top, or wait in `pending` while `hold()` says so.
 */
export function useLiveLogs(options: LiveLogsOptions) {
  const { projectId, filterKey, limit, ingestKey, live } = options;
  const [rows, setRows] = useState<LogRow[]>([]);
  const [pending, setPending] = useState<LogRow[]>([]);
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<unknown>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [partial, setPartial] = useState<LogsPage['partial']>();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [generation, setGeneration] = useState(0);
  const latest = useRef({ options, rows, pending });
  latest.current = { options, rows, pending };

  // A first page whenever the filter changes (or reload is asked for).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `filterKey` names what the query depends on.
  useEffect(() => {
    const controller = new AbortController();
    setStatus('loading');
    setPending([]);
    recentLogs(projectId, { ...latest.current.options.query, limit }, controller.signal).then(
      (page) => {
        setRows(toRows(page.logs));
        setCursor(page.nextCursor);
        setPartial(page.partial);
        setStatus('ready');
      },
      (err: unknown) => {
        if ((err as Error)?.name === 'AbortError') return;
        setError(err);
        setStatus('error');
      },
    );
    return () => controller.abort();
  }, [projectId, filterKey, limit, generation]);

  // The live tail: one fetch per burst, of what is newer than the newest row shown or waiting.
  const inFlight = useRef(false);
  const again = useRef(false);
  const tail = useCallback(async () => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    try {
      const { options: o, rows: shown, pending: waiting } = latest.current;
      const newest = waiting[0]?.record ?? shown[0]?.record;
      const page = await recentLogs(o.projectId, { ...o.query, from: newest?.time ?? o.query.from, limit: TAIL_LIMIT });
      // `from` is inclusive: records at the newest time that are already here are not new.
      const atNewest = [...waiting, ...shown].filter((r) => r.record.time === newest?.time).map((r) => r.record);
      const fresh = page.logs.filter((r) => !atNewest.some((s) => same(s, r)));
      if (fresh.length === 0) return;
      if (latest.current.options.hold()) setPending((p) => [...toRows(fresh), ...p]);
      else setRows((r) => [...toRows(fresh), ...r]);
    } catch {
      // A failed tail is retried by the next ingest event; the rows shown stay right.
    } finally {
      inFlight.current = false;
      if (again.current) {
        again.current = false;
        void tail();
      }
    }
  }, []);

  // A throttle, not a debounce: steady traffic (an event every half second) must still show up.
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each ingest event asks for one tail at most.
  useEffect(() => {
    if (ingestKey === 0 || !live || status !== 'ready' || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void tail();
    }, TAIL_EVERY_MS);
  }, [ingestKey]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const loadOlder = useCallback(async () => {
    const { options: o } = latest.current;
    if (!cursor) return;
    setLoadingOlder(true);
    try {
      const page = await recentLogs(o.projectId, { ...o.query, cursor, limit: 50 });
      setRows((r) => [...r, ...toRows(page.logs)]);
      setCursor(page.nextCursor);
      setPartial(page.partial);
    } catch (err) {
      setError(err);
    } finally {
      setLoadingOlder(false);
    }
  }, [cursor]);

  const showPending = useCallback(() => {
    setRows((r) => [...latest.current.pending, ...r]);
    setPending([]);
  }, []);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { rows, pending, status, error, cursor, partial, loadingOlder, loadOlder, showPending, tail, reload };
}
