import { type Level, levelFromName, levelFromPinoNumber } from '../level.js';

// How the normalizer reads a level out of a record's field or a text line; the vocabulary itself (names,
// ranks, pino and OTel numbers) is in ../level.ts.

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

// FTL: Serilog's short form; FATA: logrus's (`FATA[0000] ...`; its ERRO and WARN read below).
const FATAL_WORDS = /\b(FATAL|CRITICAL|CRIT|PANIC|EMERG(?:ENCY)?|ALERT|FTL|FATA)\b/;
// Exception and error class names end the word: java.lang.NullPointerException, TypeError: ...
const ERROR_WORDS = /\b(?:ERROR|ERR|SEVERE|EXCEPTION|FAILURE\b)|Exception\b|Error:/;
const WARN_WORDS = /\b(WARN|WARNING|WRN)\b/;
const DEBUG_WORDS = /\bDEBUG\b/;
const TRACE_WORDS = /\bTRACE\b/;
const TAGGED = /(?:level|lvl|severity)"?[=:]\s*"?([A-Za-z]+)|[[<(]([A-Za-z]{3,11})[\]>)]/g;
// A level that opens the line in a format's fixed place: klog/glog's letter before the date
// (`E1205 04:03:52.123456 1 main.go:12] ...`, Kubernetes and Go services), .NET's console logger
// (`fail: Microsoft.AspNetCore...`, `warn: ...`).
const KLOG = /^([IWEF])\d{4} \d\d:\d\d:\d\d/;
const KLOG_LEVELS: Readonly<Record<string, Level>> = { I: 'info', W: 'warn', E: 'error', F: 'fatal' };
const DOTNET = /^(trce|dbug|info|warn|fail|crit): /;

// Everything the expressions above can match starts with one of these: a line with none of them is
// 'info' after one scan instead of six (most text lines are).
const ANY_CUE =
  /level|lvl|severity|[[<(]|FATA|FTL|CRIT|PANIC|EMERG|ALERT|ERR|SEVERE|EXCEPTION|FAILURE|Exception|Error:|WARN|WRN|DEBUG|TRACE/;

/** Guesses the level of a plain-text line from its words (ERROR, WARN, level=info, [error], ...). */
export function levelFromText(line: string): Level {
  const head = line.length > 300 ? line.slice(0, 300) : line;
  const klog = KLOG.exec(head);
  if (klog) return KLOG_LEVELS[klog[1] as string] as Level;
  const dotnet = DOTNET.exec(head);
  if (dotnet) return levelFromName(dotnet[1] as string) as Level;
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
