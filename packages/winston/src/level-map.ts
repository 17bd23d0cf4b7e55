import { type Level, levelFromName } from '@cloudsage/node';

/**
 * The CloudSage level of a winston level name, through the one level vocabulary (npm and syslog
 * levels, in any case); a custom level with no known name counts as info.
 *
 * @example
 * toCloudSageLevel('verbose'); // 'debug'
 */
export function toCloudSageLevel(level: unknown): Level {
  return (typeof level === 'string' && levelFromName(level)) || 'info';
}
