import { z } from 'zod';
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
