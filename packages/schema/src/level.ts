import { z } from 'zod';

// CloudSage's level vocabulary, in one place: the six levels, their ranks, the names other loggers give
// them, pino's numbers and OpenTelemetry's severity numbers. The SDK packages map and rank through
// these, so a level reads the same in the client, its adapters and the backend's normalizer.

/** The six levels CloudSage stores, lowest first. */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** A log level as stored. */
export const Level = z.enum(LEVELS);
export type Level = z.infer<typeof Level>;

// Names come from log lines, so no lookup here may reach Object.prototype: "constructor" or "__proto__"
// once found its members, which were stored as the level. LEVEL_RANK has no prototype; the names are a
// Map and the six a Set, which keep the client's levelRank at ~45 ns a call (~120 with Object.hasOwn).

/**
 * Numeric rank of each level (pino's numbers), for comparisons such as "warn and above". It has no
 * prototype, so `LEVEL_RANK[name]` is undefined for any name that is not one of the six.
 *
 * @example
 * LEVEL_RANK.warn; // 40
 */
export const LEVEL_RANK: Readonly<Record<Level, number>> = Object.freeze(
  Object.assign(Object.create(null) as Record<Level, number>, {
    trace: 10,
    debug: 20,
    info: 30,
    warn: 40,
    error: 50,
    fatal: 60,
  }),
);

const SIX: ReadonlySet<unknown> = new Set(LEVELS);

/**
 * True for the six level strings themselves (exact case), and for nothing inherited.
 *
 * @example
 * isLevel('warn'); // true
 * isLevel('constructor'); // false
 */
export function isLevel(value: unknown): value is Level {
  return SIX.has(value);
}

// The six, winston's npm levels, syslog's (`winston.config.syslog`), log4j / java.util.logging's, the
// OTel severity texts (upper case, matched case-insensitively), Serilog's and .NET's short forms.
const BY_NAME: ReadonlyMap<string, Level> = new Map<string, Level>(
  Object.entries({
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
    // Serilog's three-letter levels and .NET's console logger (`dbug`, `fail`, `crit`).
    vrb: 'trace',
    trce: 'trace',
    dbg: 'debug',
    dbug: 'debug',
    inf: 'info',
    wrn: 'warn',
    fail: 'error',
    ftl: 'fatal',
  } satisfies Record<string, Level>),
);

/**
 * Maps a level name in any case (winston, syslog, log4j, OTel severityText) to a Level; undefined for
 * a name it does not know.
 *
 * @example
 * levelFromName('verbose'); // 'debug'
 * levelFromName('ERROR2'); // 'error'
 */
export function levelFromName(name: string): Level | undefined {
  if (name.length > 16) return undefined;
  const direct = BY_NAME.get(name);
  if (direct) return direct;
  const lower = name.trim().toLowerCase();
  // OTel severity texts carry a number suffix: "ERROR2", "WARN4".
  return BY_NAME.get(lower) ?? BY_NAME.get(lower.replace(/\d+$/, ''));
}

/**
 * Maps a pino-style numeric level (10 trace ... 60 fatal) to a Level. A custom level between two
 * standard ones maps to the lower one it has reached (35 is info, 45 warn, 70 fatal, 5 trace), so
 * a custom level never reads as more severe than it is.
 *
 * @example
 * levelFromPinoNumber(35); // 'info'
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

/**
 * Maps an OpenTelemetry severityNumber (1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error,
 * 21-24 fatal; logs data model) to a Level; 0 (unspecified) gives undefined.
 *
 * @example
 * levelFromSeverityNumber(17); // 'error'
 */
export function levelFromSeverityNumber(n: number): Level | undefined {
  if (!(n >= 1)) return undefined;
  if (n <= 4) return 'trace';
  if (n <= 8) return 'debug';
  if (n <= 12) return 'info';
  if (n <= 16) return 'warn';
  if (n <= 20) return 'error';
  return 'fatal';
}
