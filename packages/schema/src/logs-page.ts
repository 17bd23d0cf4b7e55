import { z } from 'zod';
import { LogRecord } from './log-record.js';

/** `GET /api/projects/:id/logs`: newest first; pass `nextCursor` back as `cursor` for the next page. */
export const LogsPage = z.object({
  logs: z.array(LogRecord),
  nextCursor: z.string().nullable(),
});
export type LogsPage = z.infer<typeof LogsPage>;
