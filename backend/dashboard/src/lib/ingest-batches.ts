/**
 * Splitting a paste or file into `POST /api/ingest` batches that each fit the server's record and
 * byte limits, keeping every item's number in the original text so a rejection can name its line.
 * Pure and synchronous: the sender feeds it slices and yields to the browser between batches.
 */

/** The body forms a batch is sent as (the server reads NDJSON and text lines alike). */
export type BatchForm = 'ndjson' | 'text' | 'json';

/** One request's worth of items. */
export interface IngestBatch {
  form: BatchForm;
  /** Lines (NDJSON, text) or serialized JSON values, in order; the server's item index is the position here. */
  items: string[];
  /** Each item's 1-based line number (lines) or record number (JSON) in the original paste or file. */
  numbers: number[];
  /** UTF-8 bytes of {@link batchBody}. */
  bytes: number;
  /** Bytes of the original input this batch settles: its lines plus the blank or refused lines before it. */
  inputBytes: number;
}

/** An item refused before sending, with its number in the original input. */
export interface ClientRejection {
  number: number;
  reason: string;
  /** The start of the item, to recognise it by. */
  text?: string;
}

/** The limits a batch must stay under. */
export interface BatchLimits {
  maxRecords: number;
  maxBytes: number;
}

/** The request body of a batch: lines joined by newlines, or a JSON array of the values. */
export function batchBody(batch: IngestBatch): string {
  return batch.form === 'json' ? `[${batch.items.join(',')}]` : batch.items.join('\n');
}

/**
 * UTF-8 length of a string without encoding it (a lone surrogate counts 3, as TextEncoder writes U+FFFD).
 *
 * @example
 * utf8Length('é€😀'); // 2 + 3 + 4 = 9
 */
export function utf8Length(s: string, start = 0, end = s.length): number {
  let n = end - start;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      // A surrogate pair is 2 UTF-16 units and 4 bytes; a lone high surrogate becomes U+FFFD, 3 bytes.
      const d = i + 1 < end ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      n += 2;
    } else n += 2;
  }
  return n;
}

// The server skips lines of spaces, tabs and CRs only (backend/src/services/ingest/line-splitter.ts,
// isBlank), so only those are skipped here: every line sent is then one item, and the server's
// index in a batch is the line's position in it.
function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Why a line of a forced NDJSON body is refused, or undefined when it is one JSON object. */
export function ndjsonProblem(line: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `not valid JSON (${(err as Error).message.slice(0, 120)})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  return undefined;
}

// How much of a refused item is kept to show.
const PREVIEW_CHARS = 200;

function tooLong(what: 'line' | 'record', bytes: number, max: number): string {
  return `the ${what} is ${bytes} bytes; a request holds at most ${max} bytes, so it was not sent`;
}

/** What a {@link LineBatcher} is told to do. */
export interface LineBatcherOptions extends BatchLimits {
  form: 'ndjson' | 'text';
  /** Refuse lines that are not one JSON object each (an NDJSON body the user chose). */
  strictNdjson?: boolean;
}

/**
 * Cuts text, fed in slices of any size, into line batches under both limits. Blank lines are
 * skipped as the server skips them; a CR before a newline is dropped; a line longer than a request
 * may be is refused here with its line number, and so is a non-JSON line when `strictNdjson`.
 *
 * @example
 * const b = new LineBatcher({ form: 'text', maxRecords: 10_000, maxBytes: 5 * 1024 * 1024 });
 * b.push('a\nb\r\n'); b.end();
 * b.take(); // [{ items: ['a', 'b'], numbers: [1, 2], ... }]
 */
export class LineBatcher {
  /** Non-blank lines seen (sent or refused). */
  lines = 0;
  readonly rejections: ClientRejection[] = [];
  #ready: IngestBatch[] = [];
  #items: string[] = [];
  #numbers: number[] = [];
  #bytes = 0;
  #inputBytes = 0;
  #lineNumber = 0;
  // The line being read when a slice ends inside it.
  #pending: string[] = [];
  #pendingBytes = 0;
  #carry = '';
  // The first characters of the pending line, kept even when the line is too long to keep.
  #head = '';
  #ended = false;

  constructor(private readonly o: LineBatcherOptions) {}

  /** Adds the next slice of the text. */
  push(slice: string): void {
    if (this.#ended) throw new Error('LineBatcher: push after end');
    let chunk = this.#carry + slice;
    this.#carry = '';
    // A slice that ends inside a surrogate pair keeps its high half for the next one, so a pair
    // is never counted as two U+FFFD.
    const last = chunk.charCodeAt(chunk.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.#carry = chunk.slice(-1);
      chunk = chunk.slice(0, -1);
    }
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      this.#line(chunk, start, nl, 1);
      start = nl + 1;
    }
    if (start < chunk.length) this.#keep(chunk, start, chunk.length);
  }

  /** Ends the text: a last line without a newline is a line too, and the last batch is cut. */
  end(): void {
    if (this.#ended) return;
    if (this.#carry !== '') this.#keep(this.#carry, 0, 1);
    this.#ended = true;
    if (this.#pendingBytes > 0) this.#line('', 0, 0, 0);
    this.#cut();
  }

  /** Hands over the batches cut so far. */
  take(): IngestBatch[] {
    const ready = this.#ready;
    this.#ready = [];
    return ready;
  }

  #keep(chunk: string, start: number, end: number): void {
    const bytes = utf8Length(chunk, start, end);
    this.#pendingBytes += bytes;
    // A line already too long for any request is only counted (and its start kept to show).
    if (this.#pendingBytes <= this.o.maxBytes + 1) this.#pending.push(chunk.slice(start, end));
    if (this.#head.length < PREVIEW_CHARS) this.#head += chunk.slice(start, start + PREVIEW_CHARS - this.#head.length);
  }

  /** A line ends at `end` in `chunk` (plus what was pending); `newline` is its terminator's byte count. */
  #line(chunk: string, start: number, end: number, newline: number): void {
    this.#lineNumber++;
    let line: string;
    let bytes: number;
    const head = this.#head;
    this.#head = '';
    if (this.#pendingBytes > 0) {
      bytes = this.#pendingBytes + utf8Length(chunk, start, end);
      line = bytes <= this.o.maxBytes + 1 ? this.#pending.join('') + chunk.slice(start, end) : '';
      this.#pending = [];
      this.#pendingBytes = 0;
    } else {
      bytes = utf8Length(chunk, start, end);
      line = bytes <= this.o.maxBytes + 1 ? chunk.slice(start, end) : '';
    }
    this.#inputBytes += bytes + newline;
    if (line.endsWith('\r')) {
      line = line.slice(0, -1);
      bytes--;
    }
    if (bytes > this.o.maxBytes) {
      this.lines++;
      const text = (head + chunk.slice(start, Math.min(end, start + PREVIEW_CHARS))).slice(0, PREVIEW_CHARS);
      this.rejections.push({ number: this.#lineNumber, reason: tooLong('line', bytes, this.o.maxBytes), text });
      return;
    }
    if (isBlank(line)) return;
    this.lines++;
    const problem = this.o.strictNdjson ? ndjsonProblem(line) : undefined;
    if (problem !== undefined) {
      this.rejections.push({ number: this.#lineNumber, reason: problem, text: line.slice(0, PREVIEW_CHARS) });
      return;
    }
    // One newline joins this line to the ones before it.
    const added = this.#items.length === 0 ? bytes : bytes + 1;
    if (this.#items.length >= this.o.maxRecords || this.#bytes + added > this.o.maxBytes) this.#cut();
    this.#bytes += this.#items.length === 0 ? bytes : bytes + 1;
    this.#items.push(line);
    this.#numbers.push(this.#lineNumber);
  }

  #cut(): void {
    if (this.#items.length === 0) return;
    this.#ready.push({
      form: this.o.form,
      items: this.#items,
      numbers: this.#numbers,
      bytes: this.#bytes,
      inputBytes: this.#inputBytes,
    });
    this.#items = [];
    this.#numbers = [];
    this.#bytes = 0;
    this.#inputBytes = 0;
  }
}

/**
 * Cuts JSON values (an array's items or an envelope's `logs`), added one at a time, into
 * JSON-array batches under both limits; an item is numbered by its 1-based position.
 *
 * @example
 * const b = new JsonBatcher({ maxRecords: 1, maxBytes: 1024 });
 * b.add({ msg: 'a' }); b.add({ msg: 'b' }); b.end();
 * b.take().length; // 2
 */
export class JsonBatcher {
  readonly rejections: ClientRejection[] = [];
  #ready: IngestBatch[] = [];
  #items: string[] = [];
  #numbers: number[] = [];
  #bytes = 2; // the brackets
  #number = 0;

  constructor(private readonly limits: BatchLimits) {}

  /** Adds the next value. */
  add(value: unknown): void {
    this.#number++;
    // undefined (a hole) becomes null, as JSON.stringify writes it in an array.
    const text = JSON.stringify(value) ?? 'null';
    const size = utf8Length(text);
    if (size + 2 > this.limits.maxBytes) {
      const reason = tooLong('record', size, this.limits.maxBytes - 2);
      this.rejections.push({ number: this.#number, reason, text: text.slice(0, PREVIEW_CHARS) });
      return;
    }
    const added = this.#items.length === 0 ? size : size + 1;
    if (this.#items.length >= this.limits.maxRecords || this.#bytes + added > this.limits.maxBytes) this.#cut();
    this.#bytes += this.#items.length === 0 ? size : size + 1;
    this.#items.push(text);
    this.#numbers.push(this.#number);
  }

  /** Cuts the last batch. */
  end(): void {
    this.#cut();
  }

  /** Hands over the batches cut so far. */
  take(): IngestBatch[] {
    const ready = this.#ready;
    this.#ready = [];
    return ready;
  }

  #cut(): void {
    if (this.#items.length === 0) return;
    const bytes = this.#bytes;
    this.#ready.push({ form: 'json', items: this.#items, numbers: this.#numbers, bytes, inputBytes: bytes });
    this.#items = [];
    this.#numbers = [];
    this.#bytes = 2;
  }
}
