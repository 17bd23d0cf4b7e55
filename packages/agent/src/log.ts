import pino, { type Logger } from 'pino';

/**
 * The agent's own diagnostics: pino JSON lines on standard error (standard output may be the piped
 * app's output). Level from `CLOUDSAGE_LOG_LEVEL` (default `info`).
 *
 * @example
 * const log = createLogger();
 * log.warn({ path }, 'file truncated');
 */
export function createLogger(level = process.env.CLOUDSAGE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'cloudsage', level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
}

export type { Logger };
