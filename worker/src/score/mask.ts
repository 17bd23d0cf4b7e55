/**
 * Token masking for the template miner: variable parts of a log line (numbers, ids, IPs, hex, UUIDs)
 * become placeholders so that lines differing only in them share a template.
 *
 * Works token by token with plain character scans instead of one big regular expression: a line costs
 * one linear pass, with no backtracking however odd the input (a 200 KiB line of hex is still linear).
 */

/** Placeholder for a number, possibly with a unit (`1532ms`, `5MB`, `0.25`). */
export const NUM = '<NUM>';
/** Placeholder for an IPv4 address. */
export const IP = '<IP>';
/** Placeholder for a hex string (`0x1f`, commit hashes, trace ids). */
export const HEX = '<HEX>';
/** Placeholder for a UUID. */
export const UUID = '<UUID>';
/** Placeholder for any other token that mixes letters and digits (`req-7f3a`, `worker-3`). */
export const ID = '<ID>';
/** Placeholder for a day or month name (`Sun`, `Dec`): text lines carry their date in the message. */
export const DATE = '<DATE>';

// Day and month abbreviations as loggers write them in timestamps (Apache's `[Sun Dec 04 ...]`, syslog's
// `Nov  9`): unmasked, the same error logged on a Monday is a new template.
const CALENDAR = new Set([
  'Mon',
  'Tue',
  'Wed',
  'Thu',
  'Fri',
  'Sat',
  'Sun',
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
]);

/** A day or month name, alone or after an opening bracket, masked; undefined for any other token. */
function maskCalendar(token: string): string | undefined {
  if (token.length === 3) return CALENDAR.has(token) ? DATE : undefined;
  if (
    token.length === 4 &&
    (token.charCodeAt(0) === 91 || token.charCodeAt(0) === 40) &&
    CALENDAR.has(token.slice(1))
  ) {
    return token[0] + DATE;
  }
  return undefined;
}

/** Most tokens of a line that the miner looks at; the tail of longer lines is cut (bounded cost). */
export const MAX_TOKENS = 40;
/** Longest first line that is tokenized; longer lines are cut (a stack dump on one line, base64 blobs). */
const MAX_LINE = 1000;

// Characters that split a token into segments that are masked one by one: `10.0.0.1:5432`
// -> `<IP>:<NUM>`, `/users/42` -> `/users/<NUM>`, `user=42,` -> `user=<NUM>,`.
const DELIMS = new Set(['/', ':', '=', ',', ';', '(', ')', '[', ']', '{', '}', '"', "'", '<', '>', '#', '@', '&', '?']);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHexChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isUuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!isHexChar(c)) return false;
  }
  return true;
}

function isIpv4(s: string): boolean {
  let groups = 0;
  let len = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      if (++len > 3) return false;
    } else if (c === 46 && len > 0) {
      groups++;
      len = 0;
    } else return false;
  }
  return groups === 3 && len > 0;
}

/** A number with an optional short unit: `42`, `-1.5`, `1532ms`, `5MB`, `200%`. */
function isNumberish(s: string): boolean {
  let i = s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43 ? 1 : 0;
  let digits = 0;
  while (i < s.length && (isDigit(s.charCodeAt(i)) || s.charCodeAt(i) === 46)) {
    if (s.charCodeAt(i) !== 46) digits++;
    i++;
  }
  if (digits === 0) return false;
  const unit = s.length - i;
  if (unit > 3) return false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isLetter(c) && c !== 37) return false;
  }
  return true;
}

function maskSegment(s: string): string {
  let hasDigit = false;
  let allHex = true;
  // Digits with dashes and dots only: dates (2026-03-01), versions (1.2.3), phone-like ids.
  let numeric = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) hasDigit = true;
    else {
      if (!isHexChar(c)) allHex = false;
      if (c !== 45 && c !== 46) numeric = false;
    }
  }
  if (!hasDigit) return s;
  if (isIpv4(s)) return IP;
  if (numeric || isNumberish(s)) return NUM;
  if (isUuid(s)) return UUID;
  if (s.length > 2 && s.charCodeAt(0) === 48 && (s.charCodeAt(1) === 120 || s.charCodeAt(1) === 88)) return HEX;
  if (allHex && s.length >= 8) return HEX;
  return ID;
}

/**
 * Masks one whitespace-free token; tokens without digits are returned as they are (the common case),
 * but for day and month names.
 */
export function maskToken(token: string): string {
  let hasDigit = false;
  for (let i = 0; i < token.length; i++) {
    if (isDigit(token.charCodeAt(i))) {
      hasDigit = true;
      break;
    }
  }
  if (!hasDigit) return maskCalendar(token) ?? token;
  let out = '';
  let start = 0;
  for (let i = 0; i <= token.length; i++) {
    if (i === token.length || DELIMS.has(token[i]!)) {
      if (i > start) out += maskSegment(token.slice(start, i));
      if (i < token.length) out += token[i];
      start = i + 1;
    }
  }
  return out;
}

/**
 * Splits the first line of a message into masked tokens (at most {@link MAX_TOKENS}).
 *
 * @example
 * tokenize('Connection to 10.0.0.5:5432 refused'); // ['Connection', 'to', '<IP>:<NUM>', 'refused']
 */
export function tokenize(msg: string): string[] {
  let end = msg.indexOf('\n');
  if (end < 0) end = msg.length;
  if (end > MAX_LINE) end = MAX_LINE;
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i <= end; i++) {
    const c = i < end ? msg.charCodeAt(i) : 32;
    // Space, tab and carriage return separate tokens.
    if (c === 32 || c === 9 || c === 13) {
      if (start >= 0) {
        tokens.push(maskToken(msg.slice(start, i)));
        if (tokens.length >= MAX_TOKENS) break;
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  return tokens;
}
