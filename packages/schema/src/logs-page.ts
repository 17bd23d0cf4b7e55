import { z } from 'zod';
import { Level } from './level.js';
import { LogRecord } from './log-record.js';

/** The budget a logs page's scan stopped at: its wall time, its bytes, or its batch objects. */
export const ScanBudget = z.enum(['time', 'bytes', 'objects']);
export type ScanBudget = z.infer<typeof ScanBudget>;

/**
 * `GET /api/projects/:id/logs`: newest first; pass `nextCursor` back as `cursor` for the next page.
 * `partial` is there when the scan stopped at a budget with fewer records than asked; the cursor then
 * goes on where it stopped.
 */
export const LogsPage = z.object({
  logs: z.array(LogRecord),
  nextCursor: z.string().nullable(),
  partial: z.object({ budget: ScanBudget }).optional(),
});
export type LogsPage = z.infer<typeof LogsPage>;

/** One facet's most frequent values, and the count of records with any other value. */
export const FacetValues = z.object({
  values: z.array(z.object({ value: z.string(), count: z.number().int().nonnegative() })),
  other: z.number().int().nonnegative(),
});
export type FacetValues = z.infer<typeof FacetValues>;

/**
 * `GET /api/projects/:id/logs/facets`: counts by level, service and host over the records a logs
 * filter selects. `partial` is there when the scan stopped at its budget: the counts then cover the
 * range's newest records, and records older than `scannedTo` may be missing from them.
 */
export const LogFacets = z.object({
  records: z.number().int().nonnegative(),
  levels: z.partialRecord(Level, z.number().int().nonnegative()),
  services: FacetValues,
  hosts: FacetValues,
  partial: z.object({ budget: ScanBudget }).optional(),
  scannedTo: z.iso.datetime({ offset: true }).optional(),
});
export type LogFacets = z.infer<typeof LogFacets>;
