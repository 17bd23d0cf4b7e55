const MIN_MS = Date.UTC(1970, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A time input the normalizer accepts as the receive time. */
export type TimeInput = Date | number | string;

/** Turns an epoch number of unknown unit (s, ms, µs, ns) into ms; the unit is guessed by magnitude. */
function epochToMs(n: number): number {
  const abs = Math.abs(n);
  if (abs >= 1e17) return n / 1e6; // nanoseconds
  if (abs >= 1e14) return n / 1e3; // microseconds
  if (abs >= 1e11) return n; // milliseconds
  return n * 1000; // seconds
}

// Epoch 0 is how loggers and OTLP say "no time", so it is not a usable time.
function validMs(ms: number): number | undefined {
  return Number.isFinite(ms) && ms > MIN_MS && ms <= MAX_MS ? ms : undefined;
}

/**
 * Reads a timestamp as written by loggers: epoch numbers in any unit, numeric strings,
 * OTel `[seconds, nanos]` tuples and `timeUnixNano` strings, and ISO/RFC date strings.
 * Returns epoch ms, or undefined when the value is not a usable time (epoch 0, which loggers write
 * for "no time", or outside 1970-9999).
 */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return validMs(epochToMs(value));
  if (typeof value === 'string') {
    if (value.length === 0 || value.length > 64) return undefined;
    if (/^\d{1,20}$/.test(value)) {
      // Digit strings are epoch numbers (OTLP timeUnixNano among them), never dates: Date.parse
      // would read "0" as the year 2000. Number loses sub-ms precision, which we drop anyway.
      return validMs(epochToMs(Number(value)));
    }
    return validMs(Date.parse(value));
  }
  if (value instanceof Date) return validMs(value.getTime());
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number') {
    return validMs(value[0] * 1000 + value[1] / 1e6);
  }
  return undefined;
}

/** The receive time as epoch ms; falls back to now when the caller passed something unusable. */
export function receivedMs(receivedAt: TimeInput | undefined): number {
  const ms = receivedAt === undefined ? undefined : parseTime(receivedAt);
  return ms ?? Date.now();
}

// Leading timestamps of plain-text lines: ISO-8601 (with T or space, optional ms and zone), the
// common "2026-01-02 03:04:05,678" of logback/log4j, and nginx's "2026/01/02 03:04:05".
const LEADING_ISO = /^\[?(\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)\]?\s*/;
// BSD syslog (RFC 3164): "Oct 11 22:14:15", no year and no zone.
const LEADING_BSD = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})\s*/;
// Common/combined log format of nginx and Apache access lines: "[10/Oct/2000:13:55:36 -0700]".
const CLF = /\[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{2})(\d{2})\]/;
const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};
const DAY_MS = 24 * 60 * 60 * 1000;

// Where `yyyy-mm-ddThh:mm:ss` has its digits.
const DIGIT_AT = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const digit = (line: string, i: number) => line.charCodeAt(i) - 48;
const two = (line: string, i: number) => digit(line, i) * 10 + digit(line, i + 1);
const isDigit = (line: string, i: number) => {
  const c = line.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/**
 * The common case of {@link leadingTimestamp} read by hand, several times faster than the regular
 * expression and `Date.parse`: `yyyy-mm-ddThh:mm:ss`, an optional fraction and `Z` or `+hh:mm`/`+hhmm`,
 * at the very start of the line. Returns undefined for anything else (a day past the 28th, say, which
 * `Date.parse` rolls over into the next month), and the caller then takes the general path.
 */
function plainIso(line: string): number | undefined {
  if (line.length < 19 || line.charCodeAt(4) !== 45 || line.charCodeAt(7) !== 45 || line.charCodeAt(13) !== 58) return;
  if (line.charCodeAt(16) !== 58 || (line.charCodeAt(10) !== 84 && line.charCodeAt(10) !== 32)) return;
  for (const i of DIGIT_AT) if (!isDigit(line, i)) return;
  const month = two(line, 5);
  const day = two(line, 8);
  const hour = two(line, 11);
  const minute = two(line, 14);
  const second = two(line, 17);
  if (month < 1 || month > 12 || day < 1 || day > 28 || hour > 23 || minute > 59 || second > 59) return;
  let i = 19;
  let ms = 0;
  const sep = line.charCodeAt(i);
  if ((sep === 46 || sep === 44) && isDigit(line, i + 1)) {
    let scale = 100;
    for (i++; i < 29 && isDigit(line, i); i++, scale /= 10) if (scale >= 1) ms += digit(line, i) * scale;
    // More than nine digits: the expression would stop at nine and find no zone; leave it to it.
    if (isDigit(line, i)) return;
  }
  let offsetMin = 0;
  const z = line.charCodeAt(i);
  if ((z === 43 || z === 45) && isDigit(line, i + 1) && isDigit(line, i + 2)) {
    const colon = line.charCodeAt(i + 3) === 58 ? 1 : 0;
    if (!isDigit(line, i + 3 + colon) || !isDigit(line, i + 4 + colon)) return;
    const hours = two(line, i + 1);
    const minutes = two(line, i + 3 + colon);
    if (hours > 23 || minutes > 59) return;
    offsetMin = (z === 45 ? -1 : 1) * (hours * 60 + minutes);
  }
  // Date.UTC reads years 0-99 as 1900-1999; those are invalid here anyway.
  const year = digit(line, 0) * 1000 + digit(line, 1) * 100 + two(line, 2);
  if (year < 1970) return;
  return validMs(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000);
}

/**
 * Finds a timestamp at the start of a text line (ISO-8601, logback, nginx error log, BSD syslog),
 * or a bracketed access-log time in its first 200 characters. Returns its epoch ms, or undefined
 * when there is none. Zone-less times are read as UTC; a syslog time without a year takes the
 * receive time's year (the year before when that would put it more than a day ahead).
 */
export function leadingTimestamp(line: string, receivedMs: number = Date.now()): number | undefined {
  const fast = plainIso(line);
  if (fast !== undefined) return fast;
  const iso = LEADING_ISO.exec(line);
  if (iso) {
    let text = (iso[1] as string).replace(' ', 'T').replace(',', '.').replaceAll('/', '-');
    if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) text += 'Z';
    return validMs(Date.parse(text));
  }
  const bsd = LEADING_BSD.exec(line);
  if (bsd) {
    const month = MONTHS[bsd[1] as string];
    if (month === undefined) return undefined;
    const year = new Date(receivedMs).getUTCFullYear();
    const at = (y: number) => Date.UTC(y, month, Number(bsd[2]), Number(bsd[3]), Number(bsd[4]), Number(bsd[5]));
    const ms = at(year);
    return validMs(ms - receivedMs > DAY_MS ? at(year - 1) : ms);
  }
  const clf = CLF.exec(line.length > 200 ? line.slice(0, 200) : line);
  if (clf) {
    const month = MONTHS[clf[2] as string];
    if (month === undefined) return undefined;
    const utc = Date.UTC(Number(clf[3]), month, Number(clf[1]), Number(clf[4]), Number(clf[5]), Number(clf[6]));
    const sign = (clf[7] as string).startsWith('-') ? -1 : 1;
    const offsetMin = sign * (Math.abs(Number(clf[7])) * 60 + Number(clf[8]));
    return validMs(utc - offsetMin * 60_000);
  }
  return undefined;
}
