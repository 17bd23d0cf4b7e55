import { LEVEL_RANK } from '@cloudsage/schema';
import { HIGH_RANK, levelRank } from './serialize.js';

/** Where {@link writeRuns} hands the lines it reads. */
export interface RunTarget {
  /** Longest line (characters) a run may hold; a longer one may need cutting, so it goes to `line`. */
  readonly maxRunLineChars: number;
  /** Whether a run holds lines of one kind only (warn and above, or below): `oldest-low-first` needs it. */
  readonly byLevel: boolean;
  /**
   * Room left now in records and in bytes (characters plus per-record overhead), for backpressure;
   * `undefined` when nothing needs to wait (no backpressure, or the backend stalls).
   */
  room(): { records: number; bytes: number } | undefined;
  /** Whether one line of `chars` characters fits now (the client's `hasRoom`). */
  hasRoom(chars: number): boolean;
  /** `records` lines joined by `\n` (no final newline), each starting with `{`, of one kind. */
  run(run: string, records: number, high: boolean): void;
  /** A line that is not for a run (not starting with `{`, or long): the client's `writeLine`. */
  line(line: string): void;
}

// Buffer cost of a record beyond its characters; see ENTRY_OVERHEAD in buffer.ts.
const OVERHEAD = 64;
const LEVEL_KEY = '"level":';

/**
 * Whether the line `text[start, end)` is warn or above, read as `lineLevelRank` reads the line alone.
 * `state.at` caches where the next `"level":` is (-1: none), so lines without one cost no rescans.
 */
function isHigh(text: string, start: number, end: number, state: { at: number }): boolean {
  if (state.at !== -1 && state.at < start) state.at = text.indexOf(LEVEL_KEY, start);
  const p = state.at;
  // `"level":` holds no newline, so a match that starts in the line ends in it.
  if (p < 0 || p >= end) return LEVEL_RANK.info >= HIGH_RANK;
  let i = p + LEVEL_KEY.length;
  while (i < end && text.charCodeAt(i) === 32) i++;
  const c = i < end ? text.charCodeAt(i) : Number.NaN;
  let rank: number;
  if (c === 34) {
    const q = text.indexOf('"', i + 1);
    rank = q < 0 || q >= end ? LEVEL_RANK.info : levelRank(text.slice(i + 1, q));
  } else if (c >= 48 && c <= 57) {
    // parseInt of up to 4 characters that start with a digit: the digits up to the first non-digit.
    rank = 0;
    for (let j = i; j < i + 4 && j < end; j++) {
      const d = text.charCodeAt(j) - 48;
      if (d < 0 || d > 9) break;
      rank = rank * 10 + d;
    }
  } else {
    const n = Number.parseInt(text.slice(i, Math.min(i + 4, end)), 10);
    rank = Number.isNaN(n) ? LEVEL_RANK.info : n;
  }
  return rank >= HIGH_RANK;
}

/**
 * Hands the lines of `text[from, to)` (`to` just past a newline) to `target`: consecutive lines that
 * start with `{` and are short enough go as runs, one string each, sliced from `text` without copying
 * a line; any other line goes alone, as it would one by one. Empty lines are skipped. With
 * `backpressure`, stops before the first line that does not fit in the buffer and answers its
 * position; otherwise, and when everything was handed over, answers `to`.
 *
 * @example
 * writeRuns('{"level":30,"msg":"a"}\n{"level":30,"msg":"b"}\n', 0, 48, target, false); // one run of 2
 */
export function writeRuns(text: string, from: number, to: number, target: RunTarget, backpressure: boolean): number {
  const { maxRunLineChars, byLevel } = target;
  const level = { at: -2 };
  let room = backpressure ? target.room() : undefined;
  // The run being gathered: text[runStart, runEnd) holds `records` lines, `chars` characters in all.
  let runStart = from;
  let runEnd = from;
  let records = 0;
  let chars = 0;
  let high = false;
  const flush = () => {
    if (records > 0) target.run(text.slice(runStart, runEnd), records, high);
    records = 0;
    chars = 0;
  };
  let at = from;
  while (at < to) {
    let nl = text.indexOf('\n', at);
    if (nl < 0 || nl >= to) nl = to;
    const len = nl - at;
    if (len === 0) {
      flush();
      at = nl + 1;
      continue;
    }
    const runnable = text.charCodeAt(at) === 123 && len <= maxRunLineChars;
    const lineHigh = runnable && byLevel && isHigh(text, at, nl, level);
    if (runnable && records > 0 && lineHigh === high) {
      if (room === undefined || (records < room.records && chars + len + (records + 1) * OVERHEAD <= room.bytes)) {
        records++;
        chars += len;
        runEnd = nl;
        at = nl + 1;
        continue;
      }
    }
    // This line does not extend the run: it starts the next one, or goes alone.
    flush();
    if (backpressure) {
      if (!target.hasRoom(len)) return at;
      room = target.room();
    }
    if (runnable) {
      runStart = at;
      runEnd = nl;
      records = 1;
      chars = len;
      high = lineHigh;
    } else {
      target.line(text.slice(at, nl));
      if (backpressure) room = target.room();
    }
    at = nl + 1;
  }
  flush();
  return to;
}
