import { TRUNCATED_ATTRIBUTE } from '@cloudsage/schema';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_KEY_BYTES = 1024;

enum State {
  BeforeKey,
  Key,
  AfterKey,
  BeforeValue,
  Value,
  Done,
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

/**
 * Reads one over-long NDJSON line that holds a JSON object, byte by byte, and keeps each top-level
 * field whole up to `maxFieldBytes` of its JSON text: a longer string keeps its start, closed with
 * the schema's cut marker (`…[truncated N bytes]`), and a longer object or array becomes that
 * marker alone. Fields past `maxTotalBytes` in all are dropped. The result is a JSON object of
 * bounded size with `cloudsage.truncated: true`, which the normalizer stores like any record: a
 * 5 MB pino line keeps its level, time, the start of its msg and its other fields instead of
 * becoming plain text (issue #18), and an endless line (a gzip bomb) costs at most
 * `maxTotalBytes`. It does not validate JSON; the normalizer parses what it builds, and falls back
 * to text when that fails.
 *
 * @example
 * const reader = new LongLineReader(256 * 1024, 1024 * 1024);
 * reader.push(bytes, 0, bytes.length);
 * const line = reader.finish(); // '{"level":30,"msg":"abc…[truncated 4194304 bytes]","cloudsage.truncated":true}'
 */
export class LongLineReader {
  #state = State.BeforeKey;
  #started = false;
  #key: number[] = [];
  #keyEscaped = false;
  #value: Buffer[] = [];
  #valueBytes = 0;
  #valueCut = 0;
  #valueIsString = false;
  #inString = false;
  #escaped = false;
  #depth = 0;
  #parts: string[] = [];
  #kept = 0;
  #keyCut = false;

  constructor(
    private readonly maxFieldBytes: number,
    private readonly maxTotalBytes: number,
  ) {}

  /** Adds bytes `[start, end)` of the line. */
  push(buf: Uint8Array, start: number, end: number): void {
    let valueFrom = -1;
    for (let i = start; i < end; i++) {
      const c = buf[i] as number;
      if (!this.#started) {
        if (isSpace(c) || c === 0x0a) continue;
        if (c !== 0x7b) {
          this.#state = State.Done;
          return;
        }
        this.#started = true;
        continue;
      }
      switch (this.#state) {
        case State.BeforeKey:
          if (c === QUOTE) {
            this.#state = State.Key;
            this.#key = [c];
            this.#keyCut = false;
          } else if (c === 0x7d) this.#state = State.Done;
          break;
        case State.Key:
          if (this.#key.length < MAX_KEY_BYTES) this.#key.push(c);
          else this.#keyCut = true;
          if (this.#keyEscaped) this.#keyEscaped = false;
          else if (c === BACKSLASH) this.#keyEscaped = true;
          else if (c === QUOTE) this.#state = State.AfterKey;
          break;
        case State.AfterKey:
          if (c === 0x3a) this.#state = State.BeforeValue;
          break;
        case State.BeforeValue:
          if (isSpace(c)) break;
          this.#state = State.Value;
          this.#valueIsString = c === QUOTE;
          this.#inString = false;
          this.#escaped = false;
          this.#depth = 0;
          valueFrom = i;
          i--; // The value's first byte is read as part of it.
          break;
        case State.Value: {
          if (valueFrom < 0) valueFrom = i;
          let ends = false; // the value ends before this byte
          let endsAfter = false; // the value ends with this byte
          let objectEnds = false;
          if (this.#inString) {
            if (this.#escaped) this.#escaped = false;
            else if (c === BACKSLASH) this.#escaped = true;
            else if (c === QUOTE) {
              this.#inString = false;
              if (this.#depth === 0 && this.#valueIsString) endsAfter = true;
            }
          } else if (c === QUOTE) this.#inString = true;
          else if (c === 0x7b || c === 0x5b) this.#depth++;
          else if (c === 0x7d || c === 0x5d) {
            // At depth 0 the record's own `}` ends the value; deeper, a nested value closes.
            if (this.#depth === 0) {
              ends = true;
              objectEnds = true;
            } else this.#depth--;
          } else if (c === 0x2c && this.#depth === 0) ends = true;
          if (ends || endsAfter) {
            this.#take(buf, valueFrom, endsAfter ? i + 1 : i);
            valueFrom = -1;
            this.#endField();
            this.#state = objectEnds ? State.Done : State.BeforeKey;
          }
          break;
        }
        default:
          return;
      }
    }
    if (this.#state === State.Value && valueFrom >= 0) this.#take(buf, valueFrom, end);
  }

  /** The bounded JSON object text, or undefined when the line was not an object. */
  finish(): string | undefined {
    if (!this.#started) return undefined;
    // A line that ended inside a value (an endless string): keep what there is of it.
    if (this.#state === State.Value) this.#endField(true);
    this.#parts.push(`${JSON.stringify(TRUNCATED_ATTRIBUTE)}:true`);
    return `{${this.#parts.join(',')}}`;
  }

  #take(buf: Uint8Array, from: number, to: number): void {
    const room = this.maxFieldBytes - this.#valueBytes;
    const take = Math.max(0, Math.min(room, to - from));
    if (take > 0) {
      // A copy: the chunk belongs to the stream.
      this.#value.push(Buffer.from(buf.subarray(from, from + take)));
      this.#valueBytes += take;
    }
    this.#valueCut += to - from - take;
  }

  #endField(unterminated = false): void {
    const key = Buffer.from(this.#key).toString('utf8');
    const cut = this.#valueCut > 0 || unterminated;
    let value: string;
    if (!cut) value = Buffer.concat(this.#value, this.#valueBytes).toString('utf8').trimEnd();
    else if (this.#valueIsString) {
      let text = Buffer.concat(this.#value, this.#valueBytes).toString('utf8');
      // Never end inside an escape: drop a trailing odd run of backslashes and a partial \uXXXX.
      text = text.replace(/\\u[0-9a-fA-F]{0,3}$/, '');
      const run = /\\+$/.exec(text)?.[0].length ?? 0;
      if (run % 2 === 1) text = text.slice(0, -1);
      value = `${text}…[truncated ${this.#valueCut} bytes]"`;
    } else value = JSON.stringify(`…[truncated ${this.#valueBytes + this.#valueCut} bytes]`);
    this.#value = [];
    this.#valueBytes = 0;
    this.#valueCut = 0;
    // A key cut short is no JSON string any more: the field goes, like one past the total.
    const part = `${key}:${value}`;
    if (this.#keyCut || this.#kept + part.length > this.maxTotalBytes) return;
    this.#kept += part.length;
    this.#parts.push(part);
  }
}
