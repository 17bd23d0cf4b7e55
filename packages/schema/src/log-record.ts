import { z } from 'zod';

/** The six levels CloudSage stores, lowest first. */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** A log level as stored. */
export const Level = z.enum(LEVELS);
export type Level = z.infer<typeof Level>;

/** Numeric rank of each level (pino's numbers), for comparisons such as "warn and above". */
export const LEVEL_RANK: Readonly<Record<Level, number>> = Object.freeze({
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
});

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
