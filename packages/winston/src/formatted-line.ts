import { isLevel } from '@cloudsage/node';

// triple-beam's symbols: the level before colorize, and the line the finishing format rendered.
const LEVEL = Symbol.for('level');
const MESSAGE = Symbol.for('message');

/**
 * The line winston's `json()` format already rendered for this record, made into a CloudSage line
 * without serializing the record again: `time` (now) and `msg` (the message) are put first, `service`
 * too when given, so a field of the record's own of the same name, later in the line, still wins (as
 * with `toRecord`). `undefined` when the record needs `toRecord`: no JSON line (another format), a level
 * to map (`verbose`, colorized), a message that is not a string, an exception record, or a top-level
 * `Error` (which `json()` renders as `{}`).
 *
 * @example
 * formattedLine(info, '2026-01-01T00:00:00.000Z'); // '{"time":"2026-...","msg":"hi","level":"info","message":"hi"}'
 */
export function formattedLine(
  info: Record<string | symbol, unknown>,
  time: string,
  service?: string,
): string | undefined {
  const line = info[MESSAGE];
  const message = info.message;
  const level = info[LEVEL];
  if (typeof line !== 'string' || typeof message !== 'string' || typeof level !== 'string') return undefined;
  if (line.charCodeAt(0) !== 123 || line.charCodeAt(line.length - 1) !== 125) return undefined;
  // A winston level that is a CloudSage level under the same name needs no mapping.
  if (info.level !== level || !isLevel(level)) return undefined;
  if (info.exception === true || info.rejection === true) return undefined;
  for (const key in info) if (info[key] instanceof Error) return undefined;
  const head = service === undefined ? '' : `"service":${JSON.stringify(service)},`;
  const rest = line.length === 2 ? '}' : `,${line.slice(1)}`;
  return `{${head}"time":"${time}","msg":${JSON.stringify(message)}${rest}`;
}
