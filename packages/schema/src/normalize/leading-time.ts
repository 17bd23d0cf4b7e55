/**
 * The time a plain-text line starts with, in the forms real software writes. Each form is anchored and
 * has bounded repetitions (linear on any input); the common ISO form is read by hand first.
 */
import { validMs } from './time.js';

// ISO-8601 (with T or space, optional fraction and zone), logback/log4j's "2026-01-02 03:04:05,678"
// and nginx's error log "2026/01/02 03:04:05", optionally bracketed.
const LEADING_ISO = /^\[?(\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)\]?\s*/;
// BSD syslog (RFC 3164): "Oct 11 22:14:15", no year and no zone.
const LEADING_BSD = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})\s*/;
// Common/combined log format of nginx and Apache access lines: "[10/Oct/2000:13:55:36 -0700]".
const CLF = /\[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{2})(\d{2})\]/;
// Apache httpd's error log: "[Sun Dec 04 04:47:44 2005]"; 2.4 adds microseconds, "[Wed Oct 11 14:32:52.123456 2000]".
const APACHE_ERROR = /^\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (\d{4})\]/;
// Two-digit years with slashes: log4j's "yy/MM/dd HH:mm:ss" (Spark's default layout), and the US
// "MM/dd/yy" and European "dd/MM/yy" of other software (`slashDate` picks).
const YY_SLASH = /^(\d{2})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:[.,](\d{3}))?\s/;
// "yyMMdd HHmmss", Hadoop HDFS's layout.
const YYMMDD = /^(\d{2})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2})\s/;
// "yyyyMMdd-HH:mm:ss:SSS", a compact layout; loghub's HealthApp writes the time of day unpadded
// ("20171223-22:16:0:119", Java's "yyyyMMdd-H:m:s:S").
const COMPACT = /^(\d{4})(\d{2})(\d{2})-(\d{1,2}):(\d{1,2}):(\d{1,2})(?::(\d{1,3})|[.,](\d{1,9}))?(?![\d:])/;
// Android logcat's "threadtime" layout, "03-17 16:13:38.811", no year.
const LOGCAT = /^(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})\s/;
// A bracketed "[10.30 16:49:06]" (month.day, no year; Proxifier).
const MONTH_DOT_DAY = /^\[(\d{2})\.(\d{2}) (\d{2}):(\d{2}):(\d{2})\]/;
// Supercomputer RAS logs (Blue Gene/L, Thunderbird, Liberty, Spirit): an optional alert-tag column,
// epoch seconds, then the day as "yyyy.mm.dd". The day vouches for the number being a time.
const EPOCH_DAY = /^(?:\S{1,40} )?(\d{9,10}) (\d{4})\.(\d{2})\.(\d{2})\s/;
// A first field before an ISO time (a file or host name, a level): "nova-api.log 2017-05-16 00:00:00.008".
const FIRST_FIELD = /^[^\s\d[]\S{0,79} /;
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
 * Epoch ms of a wall-clock time read as UTC, or undefined when a field is out of range (a 31st of
 * April is not rolled into May, as `Date.UTC` would).
 */
function utcTime(
  year: number,
  month: number,
  day: number,
  h: number,
  mi: number,
  s: number,
  ms = 0,
): number | undefined {
  if (month < 0 || month > 11 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const t = Date.UTC(year, month, day, h, mi, s, ms);
  return new Date(t).getUTCDate() === day ? validMs(t) : undefined;
}

/**
 * A time written without its year (syslog, logcat): the receive time's year, or the year before when
 * that would put it more than a day ahead (a December line read in January).
 */
function yearless(month: number, day: number, h: number, mi: number, s: number, ms: number, receivedMs: number) {
  const year = new Date(receivedMs).getUTCFullYear();
  const t = utcTime(year, month, day, h, mi, s, ms);
  return t !== undefined && t - receivedMs > DAY_MS ? utcTime(year - 1, month, day, h, mi, s, ms) : t;
}

const n = (s: string | undefined) => (s === undefined ? 0 : Number(s));
/** Milliseconds from a fraction's digits: "8" is 800, "123456" is 123. */
const fractionMs = (s: string | undefined) => (s === undefined ? 0 : Math.floor(Number(`0.${s}`) * 1000));

/**
 * An ISO-8601 time at the start of `line` (the hand-written path, then the expression): its epoch ms,
 * null when the line starts with one that is no time (a thirteenth month), undefined when it does not.
 */
function leadingIso(line: string): number | null | undefined {
  const fast = plainIso(line);
  if (fast !== undefined) return fast;
  const iso = LEADING_ISO.exec(line);
  if (iso === null) return undefined;
  let text = (iso[1] as string).replace(' ', 'T').replace(',', '.').replaceAll('/', '-');
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) text += 'Z';
  return validMs(Date.parse(text)) ?? null;
}

/** The forms that start with a digit and are not ISO, told apart by the character at 2, 6 or 8. */
function leadingDigits(line: string, receivedMs: number): number | undefined {
  const at2 = line.charCodeAt(2);
  if (at2 === 47 /* / */) {
    const m = YY_SLASH.exec(line);
    if (m) return slashDate([n(m[1]), n(m[2]), n(m[3])], [n(m[4]), n(m[5]), n(m[6]), n(m[7])], receivedMs);
  } else if (at2 === 45 /* - */) {
    const m = LOGCAT.exec(line);
    if (m) return yearless(n(m[1]) - 1, n(m[2]), n(m[3]), n(m[4]), n(m[5]), n(m[6]), receivedMs);
  } else if (line.charCodeAt(6) === 32) {
    const m = YYMMDD.exec(line);
    if (m) return utcTime(2000 + n(m[1]), n(m[2]) - 1, n(m[3]), n(m[4]), n(m[5]), n(m[6]));
  } else if (line.charCodeAt(8) === 45) {
    const m = COMPACT.exec(line);
    if (m) return utcTime(n(m[1]), n(m[2]) - 1, n(m[3]), n(m[4]), n(m[5]), n(m[6]), n(m[7]) + fractionMs(m[8]));
  }
  return undefined;
}

/**
 * `a/b/c` with a two-digit year, read as yy/MM/dd (log4j, Spark), MM/dd/yy or dd/MM/yy: of the readings
 * that are dates, the one nearest the receive time. A line read as it is written is minutes from it,
 * so its reading is right whatever the order; an old file's `17/06/09` is a date only as yy/MM/dd.
 */
function slashDate(
  [a, b, c]: readonly [number, number, number],
  [h, mi, sec, ms]: readonly [number, number, number, number],
  receivedMs: number,
): number | undefined {
  let best: number | undefined;
  for (const [y, mo, d] of [
    [a, b, c],
    [c, a, b],
    [c, b, a],
  ] as const) {
    const t = utcTime(2000 + y, mo - 1, d, h, mi, sec, ms);
    if (t !== undefined && (best === undefined || Math.abs(t - receivedMs) < Math.abs(best - receivedMs))) best = t;
  }
  return best;
}

/** Epoch seconds followed by the same day (within a zone's difference) as "yyyy.mm.dd". */
function epochWithDay(line: string): number | undefined {
  const m = EPOCH_DAY.exec(line);
  if (m === null) return undefined;
  const ms = n(m[1]) * 1000;
  const day = utcTime(n(m[2]), n(m[3]) - 1, n(m[4]), 12, 0, 0);
  return day !== undefined && Math.abs(ms - day) <= 1.5 * DAY_MS ? validMs(ms) : undefined;
}

/**
 * Finds the time a text line starts with: ISO-8601 (also bracketed, or after one first field such as
 * a file name), logback/log4j, nginx's error log, BSD syslog, Apache's error log, log4j's
 * `yy/MM/dd HH:mm:ss` (or `MM/dd/yy`, `dd/MM/yy`: the reading nearest the receive time), HDFS's
 * `yyMMdd HHmmss`, `yyyyMMdd-HH:mm:ss:SSS`, Android logcat, a bracketed `[MM.dd HH:mm:ss]`, epoch seconds
 * vouched for by a `yyyy.mm.dd` day (supercomputer RAS logs), or a bracketed access-log time in its
 * first 200 characters. Returns its epoch ms, or undefined when there is none. Zone-less times are
 * read as UTC; a time without a year takes the receive time's year (the year before when that would
 * put it more than a day ahead).
 */
export function leadingTimestamp(line: string, receivedMs: number = Date.now()): number | undefined {
  const c = line.charCodeAt(0);
  const digit = c >= 48 && c <= 57;
  if (c === 91 /* [ */ || (digit && isDigit(line, 1) && isDigit(line, 2) && isDigit(line, 3) && !isDigit(line, 4))) {
    const iso = leadingIso(line);
    // An ISO time out of range is not read as another form: the line gets its receive time.
    if (iso !== undefined) return iso ?? undefined;
  }
  const own = digit ? leadingDigits(line, receivedMs) : c === 91 ? bracketed(line, receivedMs) : bsd(line, receivedMs);
  if (own !== undefined) return own;
  // The epoch and first-field forms have a digit first or right after the first field: most lines
  // have neither and skip both expressions.
  const space = line.indexOf(' ');
  const second = space > 0 && space <= 80 && isDigit(line, space + 1);
  if (digit || second) {
    const epoch = epochWithDay(line);
    if (epoch !== undefined) return epoch;
  }
  return (second && !digit ? afterFirstField(line) : undefined) ?? accessTime(line);
}

/** Apache's error log and the bracketed month.day form. */
function bracketed(line: string, receivedMs: number): number | undefined {
  let m = APACHE_ERROR.exec(line);
  if (m) return utcTime(n(m[7]), MONTHS[m[1] as string] ?? -1, n(m[2]), n(m[3]), n(m[4]), n(m[5]), fractionMs(m[6]));
  m = MONTH_DOT_DAY.exec(line);
  return m ? yearless(n(m[1]) - 1, n(m[2]), n(m[3]), n(m[4]), n(m[5]), 0, receivedMs) : undefined;
}

/** A BSD syslog time, in the receive time's year. */
function bsd(line: string, receivedMs: number): number | undefined {
  const m = LEADING_BSD.exec(line);
  const month = m === null ? undefined : MONTHS[m[1] as string];
  return month === undefined ? undefined : yearless(month, n(m![2]), n(m![3]), n(m![4]), n(m![5]), 0, receivedMs);
}

/** An ISO time after a first field (a file or host name, a level). */
function afterFirstField(line: string): number | undefined {
  const first = FIRST_FIELD.exec(line);
  return first === null ? undefined : (leadingIso(line.slice(first[0].length)) ?? undefined);
}

/** An access log's bracketed time with its offset, in the first 200 characters. */
function accessTime(line: string): number | undefined {
  const clf = CLF.exec(line.length > 200 ? line.slice(0, 200) : line);
  const month = clf === null ? undefined : MONTHS[clf[2] as string];
  if (month === undefined) return undefined;
  const m = clf!;
  const utc = utcTime(n(m[3]), month, n(m[1]), n(m[4]), n(m[5]), n(m[6]));
  const sign = (m[7] as string).startsWith('-') ? -1 : 1;
  const offsetMin = sign * (Math.abs(n(m[7])) * 60 + n(m[8]));
  return utc === undefined ? undefined : validMs(utc - offsetMin * 60_000);
}
