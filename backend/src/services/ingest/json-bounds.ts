import { AppError } from '../../errors.js';

/** Bounds a JSON document is held to while it streams in, before it is parsed. */
export interface JsonBoundLimits {
  /** Array items at any depth. */
  maxElements: number;
  /** Nesting of arrays and objects. */
  maxDepth: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Counts a JSON document's array items and nesting depth byte by byte as it streams in, and
 * throws (413 `too_many_records` past the element limit, 400 `invalid_body` past the depth) the
 * moment a bound is passed, so `JSON.parse` only ever sees a document of bounded shape: a 50 KB
 * gzip of `[{},{},...]` (17 million items) is refused after 100,000 items, a few hundred KB, with
 * no object allocated (issue #22). It keeps one bit of state a level (array or not), never the text;
 * it does not validate JSON, which `JSON.parse` still does.
 *
 * @example
 * const bounds = new JsonBounds({ maxElements: 100_000, maxDepth: 32 });
 * bounds.push(chunk); // throws past a bound
 */
export class JsonBounds {
  #inString = false;
  #escaped = false;
  /** Per open level: true for an array. */
  readonly #arrays: boolean[] = [];
  /** Whether the innermost array has seen a value since it opened or since its last comma. */
  #arrayEmpty = true;
  elements = 0;

  constructor(private readonly limits: JsonBoundLimits) {}

  /**
   * Scans one NDJSON line, then
   * forgets its nesting and string state so a torn line cannot confuse the next; the element
   * count goes on across lines. A line without `[` holds no array item: most log lines skip the scan.
   */
  line(text: string): void {
    if (text.indexOf('[') < 0) return;
    try {
      this.#scan(text);
    } finally {
      this.#inString = false;
      this.#escaped = false;
      this.#arrays.length = 0;
      this.#arrayEmpty = true;
    }
  }

  push(chunk: Uint8Array): void {
    this.#scan(chunk);
  }

  // One loop over locals and plain bytes (V8 keeps them in registers; a method call or a closure
  // a byte made the scan cost twice JSON.parse).
  #scan(src: Uint8Array | string): void {
    if (typeof src === 'string') {
      // Its structural characters are ASCII, so UTF-16 units serve as bytes; a loop of its own
      // keeps each loop monomorphic.
      const codes = new Uint16Array(src.length);
      for (let i = 0; i < src.length; i++) codes[i] = src.charCodeAt(i);
      this.#scanCodes(codes);
    } else this.#scanCodes(src);
  }

  #scanCodes(bytes: Uint8Array | Uint16Array): void {
    const arrays = this.#arrays;
    const { maxElements, maxDepth } = this.limits;
    let inString = this.#inString;
    let escaped = this.#escaped;
    let arrayEmpty = this.#arrayEmpty;
    let elements = this.elements;
    try {
      for (let i = 0; i < bytes.length; i++) {
        const c = bytes[i] as number;
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) inString = false;
          continue;
        }
        if (isSpace(c)) continue;
        // The first non-space byte after `[` or `,` inside an array starts an item.
        if (arrayEmpty && c !== CLOSE_ARRAY && c !== COMMA && arrays[arrays.length - 1] === true) {
          arrayEmpty = false;
          if (++elements > maxElements) {
            throw new AppError('too_many_records', `a request holds at most ${maxElements} array items`, {
              details: { limit: maxElements },
            });
          }
        }
        if (c === QUOTE) inString = true;
        else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
          arrays.push(c === OPEN_ARRAY);
          if (arrays.length > maxDepth) {
            throw new AppError('invalid_body', `the body is nested deeper than ${maxDepth} levels`, {
              details: { limit: maxDepth },
            });
          }
          arrayEmpty = true;
        } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
          arrays.pop();
          arrayEmpty = false;
        } else if (c === COMMA) arrayEmpty = true;
      }
    } finally {
      this.#inString = inString;
      this.#escaped = escaped;
      this.#arrayEmpty = arrayEmpty;
      this.elements = elements;
    }
  }
}
