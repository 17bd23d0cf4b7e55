import { LEVEL_RANK, type Level, type LogRecord } from '@cloudsage/schema';
import { compileSearch, parseSearch } from './log-search.js';

/** What selects records, for a logs page and for facets alike; times are epoch ms. */
export interface LogFilter {
  from?: number | undefined;
  to?: number | undefined;
  /** Minimum level. */
  level?: Level | undefined;
  /** The search: words, phrases and `field:value` terms (log-search.ts, `QUERY_GRAMMAR`). */
  q?: string | undefined;
  /** Exact (case-insensitive) service, host or trace id, ANDed with `q`. */
  service?: string | undefined;
  host?: string | undefined;
  traceId?: string | undefined;
}

/**
 * The filter as a predicate over a record and its parsed time; throws 400 `invalid_query` for a
 * malformed `q`, before anything is read.
 *
 * @example
 * const keep = recordFilter({ level: 'warn', q: 'service:api -healthcheck' });
 * keep(record, Date.parse(record.time));
 */
export function recordFilter(filter: LogFilter): (record: LogRecord, time: number) => boolean {
  const minRank = filter.level ? LEVEL_RANK[filter.level] : undefined;
  const terms = parseSearch(filter.q ?? '');
  for (const field of ['service', 'host', 'traceId'] as const) {
    const value = filter[field];
    if (value !== undefined) terms.push({ kind: 'field', negate: false, field, value });
  }
  const search = compileSearch(terms);
  return (record, time) => {
    if (filter.from !== undefined && time < filter.from) return false;
    if (filter.to !== undefined && time > filter.to) return false;
    if (minRank !== undefined && !(LEVEL_RANK[record.level] >= minRank)) return false;
    return search(record);
  };
}
