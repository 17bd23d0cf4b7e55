import type { Level } from '../level.js';
import type { LogRecord } from '../log-record.js';
import { isoFromMs } from './iso-time.js';
import { leadingTimestamp } from './leading-time.js';
import { levelFromText } from './level.js';

// A syslog header: "<PRI>" and, for RFC 5424, the version "1 ". PRI = facility * 8 + severity.
const SYSLOG_PRI = /^<(\d{1,3})>(?:1 )?/;
const SYSLOG_SEVERITY: readonly Level[] = ['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug'];
// An access-log request and its status: `"GET /path HTTP/1.1" 503`.
const ACCESS_STATUS = /"[A-Z]{3,7} [^"]* HTTP\/[\d.]+" (\d{3}) /;

/**
 * Reads one plain-text line: a leading timestamp if there is one (else the receive time), and the
 * level from a syslog priority, else guessed from its words; an access-log line with a 5xx status
 * is an error. The message is the whole line, so nothing the app wrote is lost.
 */
export function textLineToRecord(line: string, receivedMs: number): Pick<LogRecord, 'time' | 'level' | 'msg'> {
  let body = line;
  let level: Level | undefined;
  const pri = SYSLOG_PRI.exec(line);
  if (pri && Number(pri[1]) <= 191) {
    level = SYSLOG_SEVERITY[Number(pri[1]) % 8];
    body = line.slice(pri[0].length);
  }
  level ??= levelFromMessage(body);
  return { time: isoFromMs(leadingTimestamp(body, receivedMs) ?? receivedMs), level, msg: line };
}

/**
 * The level a message says it has when nothing else does: guessed from its words, and an access-log
 * line with a 5xx status is an error. Used for text lines and for records without a level field.
 */
export function levelFromMessage(text: string): Level {
  const level = levelFromText(text);
  if (level !== 'info') return level;
  const status = ACCESS_STATUS.exec(text.length > 300 ? text.slice(0, 300) : text);
  return status && (status[1] as string).startsWith('5') ? 'error' : 'info';
}

/** The JSON object a line holds (leading blanks allowed), or undefined for any other line. */
export function jsonObjectOf(line: string): Record<string, unknown> | undefined {
  const start = line.trimStart();
  if (start.charCodeAt(0) !== 123 /* { */) return undefined;
  try {
    // A JSON text that starts with `{` and parses is an object.
    return JSON.parse(start) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Strips a UTF-8 byte-order mark and the line ending (LF or CRLF). */
export function cleanLine(line: string): string {
  let s = line;
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c !== 10 && c !== 13) break;
    end--;
  }
  return end === s.length ? s : s.slice(0, end);
}
