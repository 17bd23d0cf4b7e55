/**
 * Receives each finished record: its text (lines joined with `\n`) and the offset past its last line;
 * `originalBytes` for the start of an over-long line cut at the line limit (its true size).
 */
export type RecordHandler = (text: string, endOffset: number, originalBytes?: number) => void;

import { type ContainerLine, containerLineOf, rewrap } from './container-line.js';

/** `auto`: indentation and stack-trace heuristics; `off`: one line, one record; a RegExp: starts a record. */
export type MultilineMode = 'auto' | 'off' | RegExp;

const CONTINUATION_WORDS = /^(?:Caused by|Suppressed): |^\.\.\. \d+ (?:more|common frames omitted)/;
const PY_TRACEBACK = 'Traceback (most recent call last):';
const PY_EXCEPTION_LINE = /^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)\b/;
// Node/V8 fatal-error output (`FATAL ERROR: ...` then this marker and numbered native frames): frames
// 1-9 are padded with a space, 10 and up are not, so indentation alone split a crash into a dozen
// records (seen in the lab's heap-limit crashes).
const NATIVE_STACK_MARKER = '----- Native stack trace -----';
const NATIVE_FRAME = /^\d{1,3}: 0x[0-9a-f]{1,16} /;

function isWholeJson(text: string): boolean {
  return text.charCodeAt(0) === 123 /* { */ && text.charCodeAt(text.length - 1) === 125 /* } */;
}

/**
 * Joins continuation lines onto the record they belong to: stack traces (`    at ...`, `Caused by: ...`,
 * Python tracebacks, Node's native crash frames), indented lines, or with a start pattern, every line that does not match it.
 * A container runtime's lines (containerd / CRI-O's `<time> stdout F <line>`, Docker's json-file
 * `{"log": ...}`; `container-line.ts`) are judged by the app's line inside, so a stack trace the runtime
 * wrote one frame a line is one record again, in the first line's wrapper, and a line the runtime cut
 * into parts is joined to its rest without a line break, as Fluent Bit's `cri` and `docker` parsers do.
 * A record is held until the next record starts, `idle()` finds it older than the timeout, or `flush()`.
 * An app's whole one-line JSON record (bare or in a wrapper) and over-long lines (cut at the line limit) are
 * records of their own, sent at once; a pretty-printed object (`{` alone on its first line) joins up to its `}`.
 *
 * @example
 * const joiner = new MultilineJoiner('auto', 500, (text, end) => send(text));
 * joiner.push('Error: boom', 12, now); joiner.push('    at main (a.js:1:1)', 36, now); joiner.flush();
 */
export class MultilineJoiner {
  // The held record: its first line, and its continuation lines in an array that is reused (most
  // records are one line, and a fresh array per record was a measurable share of the garbage).
  private first = '';
  // The held record's first line as read, and the runtime's wrapper it came in (if any).
  private firstLine = '';
  private wrapper: ContainerLine | undefined;
  private readonly more: string[] = [];
  private count = 0;
  private end = 0;
  private lastAt = 0;
  private traceback = false;
  // The last line was a CRI part (`P`): the next line's text continues it.
  private partial = false;
  // Parts joined into the held record that way.
  private parts = 0;

  constructor(
    private readonly mode: MultilineMode,
    private readonly maxLines: number,
    private readonly emit: RecordHandler,
  ) {}

  /** Whether a record is held back. */
  get holding(): boolean {
    return this.count > 0;
  }

  /**
   * Takes one line (without its newline). Blank lines are skipped. A line cut at the line limit
   * (`originalBytes` set) is a record of its own: the held record goes first, then it.
   */
  push(line: string, endOffset: number, now: number, originalBytes?: number): void {
    if (originalBytes !== undefined) {
      this.flush();
      this.emit(line, endOffset, originalBytes);
      return;
    }
    if (this.mode === 'off') {
      if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
      this.emit(line, endOffset);
      return;
    }
    const wrapped = containerLineOf(line, this.partial);
    const text = wrapped === undefined ? line : wrapped.text;
    // A whole one-line JSON record (an app's own, bare or in a runtime's wrapper) joins nothing and takes
    // nothing (joined, it would no longer parse): it goes at once, after the held record.
    if (!this.partial && (wrapped?.alone === true || (wrapped?.partial !== true && isWholeJson(text)))) {
      this.flush();
      this.emit(line, endOffset);
      return;
    }
    // Parts count toward the line bound, so a runtime's endless line stays bounded like any record.
    if (this.partial && this.count > 0 && this.count + this.parts < this.maxLines) {
      this.parts++;
      this.appendToLast(text);
      this.partial = wrapped?.partial ?? false;
      this.end = endOffset;
      this.lastAt = now;
      return;
    }
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return;
    if (this.count > 0 && this.count < this.maxLines && this.continues(text)) {
      this.more.push(text);
      this.count++;
    } else {
      this.flush();
      this.firstLine = line;
      this.first = text;
      this.wrapper = wrapped;
      this.count = 1;
      this.traceback = text.startsWith(PY_TRACEBACK);
    }
    this.partial = wrapped?.partial ?? false;
    this.end = endOffset;
    this.lastAt = now;
  }

  private appendToLast(text: string): void {
    if (this.count === 1) this.first += text;
    else this.more[this.more.length - 1] += text;
  }

  /** Emits the held record when no line came for `timeoutMs`; returns whether one is still held. */
  idle(now: number, timeoutMs: number): boolean {
    if (this.count > 0 && now - this.lastAt >= timeoutMs) this.flush();
    return this.count > 0;
  }

  /** Emits the held record, if any. */
  flush(): void {
    const joined = this.count > 1 || this.parts > 0;
    this.partial = false;
    this.parts = 0;
    if (this.count === 0) return;
    // A line on its own goes as it was read; joined ones go back into the first line's wrapper.
    let text = this.firstLine;
    if (joined) {
      const body = this.count === 1 ? this.first : `${this.first}\n${this.more.join('\n')}`;
      text = this.wrapper === undefined ? body : rewrap(this.wrapper, body);
    }
    this.wrapper = undefined;
    this.firstLine = '';
    this.first = '';
    this.more.length = 0;
    this.count = 0;
    this.emit(text, this.end);
  }

  /** Forgets the held record (its file was truncated; its bytes are gone). */
  reset(): void {
    this.first = '';
    this.firstLine = '';
    this.wrapper = undefined;
    this.more.length = 0;
    this.count = 0;
    this.partial = false;
    this.parts = 0;
  }

  private continues(line: string): boolean {
    const c = line.charCodeAt(0);
    if (c === 123 /* { */) return false;
    // The closing brace of a pretty-printed object (`{` alone on its first line) ends it.
    if (c === 125 /* } */) return this.first.charCodeAt(0) === 123;
    if (this.mode instanceof RegExp) return !this.mode.test(line);
    if (c === 32 || c === 9) return true;
    if (c >= 48 && c <= 57) return NATIVE_FRAME.test(line);
    if (c === 45 && line === NATIVE_STACK_MARKER) return true;
    // Only lines starting with C, S or . can be "Caused by:", "Suppressed:" or "... 12 more".
    if ((c === 67 || c === 83 || c === 46) && CONTINUATION_WORDS.test(line)) return true;
    return this.traceback && PY_EXCEPTION_LINE.test(line);
  }
}
