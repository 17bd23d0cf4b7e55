import type { Level, LogFacets, LogRecord } from '@cloudsage/schema';
import type { Kysely } from 'kysely';
import type { Bucket } from '../../store/bucket/bucket.js';
import type { Database } from '../../store/sql/database.js';
import { type ReportSkipped, readBatchObject, SkippedTally } from './batch-reader.js';
import { batchesNewestFirst } from './batch-rows.js';
import { compileFilter, type LogFilter } from './log-filter.js';
import type { ScanBudget } from './logs-query.js';
import { filterOf, mayContain } from './text-filter.js';

/** Values listed per facet, the most frequent first; the rest are summed in `other`. */
export const FACET_VALUES = 20;

function top(counts: Map<string, number>): { values: { value: string; count: number }[]; other: number } {
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const values = sorted.slice(0, FACET_VALUES).map(([value, count]) => ({ value, count }));
  const other = sorted.slice(FACET_VALUES).reduce((s, [, c]) => s + c, 0);
  return { values, other };
}

function bump(counts: Map<string, number>, key: string | undefined): void {
  if (key === undefined || key === '') return;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * Counts of level, service and host over the records a filter selects, for the facet list beside a
 * logs view (Datadog's and Axiom's left rail). Batches overlapping the range are read newest
 * first within the same time and byte budget as a logs page; when the budget ends first the
 * counts cover the newest part of the range, `scannedTo` says down to when, and `partial` names
 * the budget.
 *
 * @example
 * const facets = await logFacets(db, bucket, projectId, { from, to, q: 'level:error' }, budget);
 * facets.services.values; // [{ value: 'checkout', count: 120 }, ...]
 */
export async function logFacets(
  db: Kysely<Database>,
  bucket: Bucket,
  projectId: string,
  filter: LogFilter,
  budget: ScanBudget,
  onSkipped?: ReportSkipped,
): Promise<LogFacets> {
  const { keep, required } = compileFilter(filter);
  const levels: Partial<Record<Level, number>> = {};
  const services = new Map<string, number>();
  const hosts = new Map<string, number>();
  const skipped = new SkippedTally();
  const started = budget.now();
  let records = 0;
  let bytes = 0;
  let objects = 0;
  let partial: LogFacets['partial'];
  let scannedTo: number | undefined;

  for await (const batch of batchesNewestFirst(db, projectId, filter)) {
    if (objects > 0 && bytes >= budget.maxBytes) partial = { budget: 'bytes' };
    else if (objects > 0 && budget.now() - started >= budget.maxMs) partial = { budget: 'time' };
    if (partial) {
      scannedTo = Number(batch.max_time);
      break;
    }
    if (!mayContain(filterOf(batch.text_filter), required)) continue;
    objects += 1;
    bytes += Number(batch.bytes);
    for (const { record } of skipped.recordsOf(await readBatchObject(bucket, batch.object_key))) {
      const time = Date.parse(record.time);
      if (!Number.isFinite(time) || !keep(record as LogRecord, time)) continue;
      records += 1;
      levels[record.level] = (levels[record.level] ?? 0) + 1;
      bump(services, record.service);
      bump(hosts, record.host);
    }
  }
  skipped.report(onSkipped);
  const out: LogFacets = { records, levels, services: top(services), hosts: top(hosts) };
  if (partial) {
    out.partial = partial;
    if (scannedTo !== undefined) out.scannedTo = new Date(scannedTo).toISOString();
  }
  return out;
}
