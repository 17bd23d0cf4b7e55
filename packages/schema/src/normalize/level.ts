import type { Level } from '../log-record.js';

const BY_NAME: Record<string, Level> = {
  trace: 'trace',
  silly: 'trace',
  finest: 'trace',
  debug: 'debug',
  verbose: 'debug',
  fine: 'debug',
  finer: 'debug',
  config: 'debug',
  info: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  http: 'info',
  log: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  severe: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  panic: 'fatal',
};

/**
 * Maps a pino-style numeric level (10 trace ... 60 fatal) to a Level. A custom level between two
 * standard ones maps to the lower one it has reached (35 is info, 45 warn, 70 fatal, 5 trace), so
 * a custom level never reads as more severe than it is.
 */
export function levelFromPinoNumber(n: number): Level {
  if (n < 20) return 'trace';
  if (n < 30) return 'debug';
  if (n < 40) return 'info';
  if (n < 50) return 'warn';
  if (n < 60) return 'error';
  return 'fatal';
}

/** True for the six numbers pino gives its own levels. */
export function isStandardPinoNumber(n: number): boolean {
  return n === 10 || n === 20 || n === 30 || n === 40 || n === 50 || n === 60;
}

/** Maps an OpenTelemetry severityNumber (1-24) to a Level; 0 (unspecified) gives undefined. */
export function levelFromSeverityNumber(n: number): Level | undefined {
  if (!(n >= 1)) return undefined;
  if (n <= 4) return 'trace';
  if (n <= 8) return 'debug';
  if (n <= 12) return 'info';
  if (n <= 16) return 'warn';
  if (n <= 20) return 'error';
  return 'fatal';
}

// Own keys only: a level field saying "constructor" or "__proto__" found Object.prototype's members,
// which were stored as the level (the read API then served `level: {}`, or dropped the line).
function byName(name: string): Level | undefined {
  return Object.hasOwn(BY_NAME, name) ? BY_NAME[name] : undefined;
}

/** Maps a level name in any case (winston, syslog, log4j, OTel severityText) to a Level. */
export function levelFromName(name: string): Level | undefined {
  if (name.length > 16) return undefined;
  const direct = byName(name);
  if (direct) return direct;
  const lower = name.trim().toLowerCase();
  // OTel severity texts carry a number suffix: "ERROR2", "WARN4".
  return byName(lower) ?? byName(lower.replace(/\d+$/, ''));
}

/** Maps whatever a logger put in its level field; undefined when it is not recognisable. */
export function levelFromUnknown(value: unknown): Level | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? levelFromPinoNumber(value) : undefined;
  if (typeof value === 'string') {
    const named = levelFromName(value);
    if (named) return named;
    const n = Number(value);
    return value.trim() !== '' && Number.isFinite(n) ? levelFromPinoNumber(n) : undefined;
  }
  return undefined;
}

const FATAL_WORDS = /\b(FATAL|CRITICAL|CRIT|PANIC|EMERG(?:ENCY)?|ALERT)\b/;
// Exception and error class names end the word: java.lang.NullPointerException, TypeError: ...
const ERROR_WORDS = /\b(?:ERROR|ERR|SEVERE|EXCEPTION)|Exception\b|Error:/;
const WARN_WORDS = /\b(WARN|WARNING)\b/;
const DEBUG_WORDS = /\bDEBUG\b/;
const TRACE_WORDS = /\bTRACE\b/;
const TAGGED = /(?:level|lvl|severity)"?[=:]\s*"?([A-Za-z]+)|[[<(]([A-Za-z]{3,11})[\]>)]/g;

// Everything the expressions above can match starts with one of these: a line with none of them is
// 'info' after one scan instead of six (most text lines are).
const ANY_CUE =
  /level|lvl|severity|[[<(]|FATAL|CRIT|PANIC|EMERG|ALERT|ERR|SEVERE|EXCEPTION|Exception|Error:|WARN|DEBUG|TRACE/;

/** Guesses the level of a plain-text line from its words (ERROR, WARN, level=info, [error], ...). */
export function levelFromText(line: string): Level {
  const head = line.length > 300 ? line.slice(0, 300) : line;
  if (!ANY_CUE.test(head)) return 'info';
  // The first tag that names a level wins: "[main] [error]" is an error, "[main] ..." reads on.
  for (const tagged of head.matchAll(TAGGED)) {
    const found = levelFromName((tagged[1] ?? tagged[2]) as string);
    if (found) return found;
  }
  if (FATAL_WORDS.test(head)) return 'fatal';
  if (ERROR_WORDS.test(head)) return 'error';
  if (WARN_WORDS.test(head)) return 'warn';
  if (DEBUG_WORDS.test(head)) return 'debug';
  if (TRACE_WORDS.test(head)) return 'trace';
  return 'info';
}
