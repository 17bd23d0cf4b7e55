import { LEVEL_RANK, type Level, type LogRecord } from '@cloudsage/schema';
import { compileSearch, parseSearch } from './log-search.js';
import { requiredTrigrams } from './text-filter.js';

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

/** A filter compiled: the record predicate, and the trigrams a batch must hold to be worth reading. */
export interface CompiledFilter {
  keep: (record: LogRecord, time: number) => boolean;
  /** For `mayContain` on a batch's text filter; empty when the search cannot rule a batch out. */
  required: number[];
}

/**
 * The filter as a predicate over a record and its parsed time, plus what batches it can skip;
 * throws 400 `invalid_query` for a malformed `q`, before anything is read.
 *
 * @example
 * const { keep, required } = compileFilter({ level: 'warn', q: 'service:api -healthcheck' });
 * if (mayContain(batch.text_filter, required)) for (const r of records) keep(r, Date.parse(r.time));
 */
export function compileFilter(filter: LogFilter): CompiledFilter {
  const minRank = filter.level ? LEVEL_RANK[filter.level] : undefined;
  const terms = parseSearch(filter.q ?? '');
  for (const field of ['service', 'host', 'traceId'] as const) {
    const value = filter[field];
    if (value !== undefined) terms.push({ kind: 'field', negate: false, field, value });
  }
  const search = compileSearch(terms);
  // Words every match holds verbatim: positive words, and positive whole-value field terms.
  const words: string[] = [];
  for (const t of terms) {
    if (t.negate) continue;
    if (t.kind === 'text') words.push(t.text);
    else if (t.compare === undefined && !t.value.includes('*')) words.push(t.value);
  }
  return {
    keep: (record, time) => {
      if (filter.from !== undefined && time < filter.from) return false;
      if (filter.to !== undefined && time > filter.to) return false;
      if (minRank !== undefined && !(LEVEL_RANK[record.level] >= minRank)) return false;
      return search(record);
    },
    required: requiredTrigrams(words),
  };
}
