import type { LogInput } from '@cloudsage/node';
import { toCloudSageLevel } from './level-map.js';

// triple-beam's symbols: the level before colorize, and the formatted message some formats add.
const LEVEL = Symbol.for('level');

// Fields of winston's info objects that say nothing about the event: the rendered line of a
// `printf`/`json` format repeats the rest, and the exception handler's `exception` / `rejection` flags.
const SKIP = new Set(['level', 'message', 'exception', 'rejection']);

/**
 * Maps a winston info object onto a CloudSage record: `message` to `msg`, the level (as before any
 * colorize) onto the six CloudSage levels, every other enumerable string key as a field. Error values
 * become `{ type, message, stack, cause }` in the client.
 *
 * @example
 * toRecord({ level: 'verbose', message: 'cache warm', keys: 12 }); // { level: 'debug', msg: 'cache warm', keys: 12 }
 */
export function toRecord(info: Record<string | symbol, unknown>): LogInput {
  const original = info[LEVEL] ?? info.level;
  const record: LogInput = { level: toCloudSageLevel(original) };
  const message = info.message;
  record.msg = typeof message === 'string' ? message : message === undefined ? '' : String(message);
  if (typeof original === 'string' && original !== record.level) record['winston.level'] = original;
  for (const key of Object.keys(info)) {
    if (!SKIP.has(key)) record[key] = info[key];
  }
  return record;
}
