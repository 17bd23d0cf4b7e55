/**
 * Evidence of failure read from a line's text, for records whose level or fields do not say it: an
 * access line with a 5xx status, a timeout, a refused or reset connection, an exception class name,
 * Node's own crash output on stderr. Lines shipped by tailing a file (the agent) or written by a logger
 * at info level carry their failures only in words; the error rate counts them like error records.
 *
 * One cheap guard (a regular expression over the few trigger words) runs first, so a healthy line
 * costs one scan; the finer patterns run only on the lines it lets through.
 */
import type { LogRecord } from '@cloudsage/schema';

/** Any of the words below; lines without one are not looked at further. */
const GUARD =
  /\s5\d\d\b|status[=:"\s]{1,3}5\d\d\b|time[ds]?[ -]?out|ETIMEDOUT|ECONN|EPIPE|EHOSTUNREACH|ENOTFOUND|refused|hang up|Exception|Error\b|FATAL|heap out of memory|[Uu]ncaught|[Uu]nhandled/;

/** `"GET /x HTTP/1.1" 503`, `GET /x 500 12.3 ms` (morgan), `status=502`, `"status":503`. */
const STATUS_5XX =
  /"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) [^"]{0,2000}" 5\d\d\b|\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \S{1,2000} 5\d\d\b|\bstatus(?:Code|_code)?"?[=:]\s?"?5\d\d\b/;
const TIMEOUT = /\btime[ds]?[ -]?out\b|ETIMEDOUT|ESOCKETTIMEDOUT|deadline exceeded/i;
const REFUSED = /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|EPIPE|connection (?:refused|reset)|socket hang up/i;
/** `TypeError`, `java.lang.NullPointerException`, `Error: boom`, `SequelizeConnectionError:`. */
const EXCEPTION = /\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\b|(?:^|\s)Error:/;
const CRASH =
  /FATAL ERROR|heap out of memory|[Uu]ncaught(?:Exception| exception)|[Uu]nhandled ?(?:[Pp]romise ?)?[Rr]ejection/;
/** A stack frame (`    at fn (file.js:1:2)`): part of an error already counted, not a new one. */
const FRAME = /^\s+at\s/;

/** Kinds of textual evidence, as bits. */
export const EVIDENCE = {
  status5xx: 1,
  timeout: 2,
  refused: 4,
  exception: 8,
  crash: 16,
} as const;

/** Longest message scanned; a longer one is a dump whose first part says what it is. */
const MAX_SCAN = 2000;

/**
 * The evidence bits a line's text carries (0 for none, the common case).
 *
 * @example
 * textEvidence('connect ECONNREFUSED 127.0.0.1:6379'); // EVIDENCE.refused
 * textEvidence('10.0.0.1 - - "GET /api HTTP/1.1" 502 0'); // EVIDENCE.status5xx
 */
export function textEvidence(msg: string): number {
  const text = msg.length > MAX_SCAN ? msg.slice(0, MAX_SCAN) : msg;
  if (!GUARD.test(text) || FRAME.test(text)) return 0;
  let bits = 0;
  if (STATUS_5XX.test(text)) bits |= EVIDENCE.status5xx;
  if (TIMEOUT.test(text)) bits |= EVIDENCE.timeout;
  if (REFUSED.test(text)) bits |= EVIDENCE.refused;
  if (EXCEPTION.test(text)) bits |= EVIDENCE.exception;
  if (CRASH.test(text)) bits |= EVIDENCE.crash;
  return bits;
}

/** Names of the evidence bits, for explanations. */
export function evidenceNames(bits: number): string[] {
  const out: string[] = [];
  if (bits & EVIDENCE.status5xx) out.push('5xx responses');
  if (bits & EVIDENCE.timeout) out.push('timeouts');
  if (bits & EVIDENCE.refused) out.push('refused connections');
  if (bits & EVIDENCE.exception) out.push('exceptions');
  if (bits & EVIDENCE.crash) out.push('crash output');
  return out;
}

/** The group a record is judged in: its service, else its host, else the whole project (''). */
export function groupOf(record: LogRecord): string {
  return record.service ?? record.host ?? '';
}
