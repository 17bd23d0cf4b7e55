import { z } from 'zod';
import { Level } from './level.js';

/**
 * One log record as stored and as sent to the worker.
 *
 * @example
 * LogRecord.parse({ time: '2026-01-01T00:00:00.000Z', level: 'error', msg: 'db timeout' });
 */
export const LogRecord = z.object({
  /** ISO-8601 UTC timestamp. */
  time: z.iso.datetime({ offset: true }),
  level: Level,
  msg: z.string(),
  service: z.string().optional(),
  host: z.string().optional(),
  traceId: z.string().optional(),
  spanId: z.string().optional(),
  /** Every field the normalizer did not map; plain JSON values only. */
  attributes: z.record(z.string(), z.unknown()).optional(),
});
export type LogRecord = z.infer<typeof LogRecord>;
