/** CloudSage's six levels (the stored LogRecord's `level`). */
export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

// winston's npm levels and the syslog levels (`winston.config.syslog`), onto CloudSage's six.
const LEVELS: Record<string, Level> = {
  silly: 'trace',
  trace: 'trace',
  debug: 'debug',
  verbose: 'debug',
  http: 'info',
  info: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  crit: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  fatal: 'fatal',
};

/**
 * The CloudSage level of a winston level name; a custom level with no known name counts as info.
 *
 * @example
 * toCloudSageLevel('verbose'); // 'debug'
 */
export function toCloudSageLevel(level: unknown): Level {
  return (typeof level === 'string' && LEVELS[level]) || 'info';
}
