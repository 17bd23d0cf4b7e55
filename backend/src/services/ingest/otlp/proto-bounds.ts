import type protobuf from 'protobufjs/light.js';
import { AppError } from '../../../errors.js';

/** Bounds an OTLP protobuf body is held to while it streams in, before protobufjs decodes it. */
export interface ProtoBoundLimits {
  /** Entries of repeated fields, of any kind, at any depth. */
  maxElements: number;
  /** Message nesting. */
  maxDepth: number;
  /** `logRecords` entries. */
  maxRecords: number;
}

interface FieldInfo {
  repeated: boolean;
  /** The nested message type, for message fields. */
  message: TypeInfo | undefined;
  isRecord: boolean;
}
type TypeInfo = Map<number, FieldInfo>;

/** The field table of a protobufjs type and every message type below it, by field number. */
function tableOf(type: protobuf.Type, seen = new Map<protobuf.Type, TypeInfo>()): TypeInfo {
  const known = seen.get(type);
  if (known) return known;
  const info: TypeInfo = new Map();
  seen.set(type, info);
  for (const field of type.fieldsArray) {
    field.resolve();
    const child = field.resolvedType && 'fieldsArray' in field.resolvedType ? field.resolvedType : undefined;
    info.set(field.id, {
      repeated: field.repeated,
      message: child ? tableOf(child as protobuf.Type, seen) : undefined,
      isRecord: type.name === 'ScopeLogs' && field.name === 'logRecords',
    });
  }
  return info;
}

enum State {
  Tag,
  Varint,
  Length,
  Skip,
}

function invalid(why: string): AppError {
  return new AppError('invalid_body', `the body is not a valid OTLP ExportLogsServiceRequest: ${why}`);
}

/**
 * Walks a protobuf body's wire format byte by byte as it streams in, counting repeated entries,
 * log records and message depth, and throws (413 `too_many_records`, 400 `invalid_body`) the
 * moment a bound is passed, before protobufjs allocates anything. protobufjs materialises every
 * entry, and the record limit used to count `logRecords` only: a 50 KB gzip of 26 million empty
 * `ResourceLogs` took the backend to 4.4 GB (issue #22); here it stops after `maxElements` entries
 * (two bytes each). Holds a stack of message ends, never the bytes.
 *
 * @example
 * const bounds = new ProtoBounds(RequestType, { maxElements: 100_000, maxDepth: 32, maxRecords: 10_000 });
 * bounds.push(chunk);
 * bounds.end();
 */
export class ProtoBounds {
  readonly #limits: ProtoBoundLimits;
  /** Per open message: its field table and the absolute offset where it ends. */
  readonly #stack: { type: TypeInfo; end: number }[];
  #pos = 0;
  #state = State.Tag;
  #varint = 0;
  #shift = 1;
  #varintBytes = 0;
  #skip = 0;
  #field: FieldInfo | undefined;
  elements = 0;
  records = 0;

  constructor(root: protobuf.Type, limits: ProtoBoundLimits) {
    this.#limits = limits;
    this.#stack = [{ type: tableOf(root), end: Number.POSITIVE_INFINITY }];
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#state === State.Skip) {
        const take = Math.min(this.#skip, chunk.length - i);
        i += take;
        this.#pos += take;
        this.#skip -= take;
        if (this.#skip === 0) this.#afterValue();
        continue;
      }
      const c = chunk[i++] as number;
      this.#pos++;
      this.#varint += (c & 0x7f) * this.#shift;
      this.#shift *= 128;
      if (++this.#varintBytes > 10) throw invalid('a varint is longer than 10 bytes');
      if (c & 0x80) continue;
      const value = this.#varint;
      this.#varint = 0;
      this.#shift = 1;
      this.#varintBytes = 0;
      if (this.#state === State.Tag) this.#tag(value);
      else if (this.#state === State.Varint) this.#afterValue();
      else this.#length(value);
    }
  }

  /** The body ended: it must end between fields of the outermost message. */
  end(): void {
    if (this.#state !== State.Tag || this.#varintBytes > 0 || this.#stack.length > 1) throw invalid('it is truncated');
  }

  #tag(tag: number): void {
    const fieldNo = Math.floor(tag / 8);
    const wire = tag % 8;
    if (fieldNo === 0) throw invalid('a field number is 0');
    const top = this.#stack[this.#stack.length - 1] as { type: TypeInfo; end: number };
    const field = top.type.get(fieldNo);
    this.#field = field;
    if (field?.repeated) {
      if (++this.elements > this.#limits.maxElements) {
        throw new AppError('too_many_records', `a request holds at most ${this.#limits.maxElements} repeated entries`, {
          details: { limit: this.#limits.maxElements },
        });
      }
      if (field.isRecord && ++this.records > this.#limits.maxRecords) {
        throw new AppError('too_many_records', `a batch holds at most ${this.#limits.maxRecords} records`);
      }
    }
    if (wire === 0) this.#state = State.Varint;
    else if (wire === 2) this.#state = State.Length;
    else if (wire === 1 || wire === 5) {
      this.#state = State.Skip;
      this.#skip = wire === 1 ? 8 : 4;
    } else throw invalid(`wire type ${wire} is not read`);
  }

  #length(length: number): void {
    const top = this.#stack[this.#stack.length - 1] as { type: TypeInfo; end: number };
    const end = this.#pos + length;
    if (end > top.end) throw invalid('a length runs past its message');
    const message = this.#field?.message;
    if (message) {
      this.#stack.push({ type: message, end });
      if (this.#stack.length - 1 > this.#limits.maxDepth) {
        throw new AppError('invalid_body', `the body is nested deeper than ${this.#limits.maxDepth} messages`, {
          details: { limit: this.#limits.maxDepth },
        });
      }
      this.#afterValue();
    } else if (length === 0) this.#afterValue();
    else {
      this.#state = State.Skip;
      this.#skip = length;
    }
  }

  /** A value ended: back to reading tags, closing every message that ends here. */
  #afterValue(): void {
    this.#state = State.Tag;
    for (;;) {
      const top = this.#stack[this.#stack.length - 1] as { type: TypeInfo; end: number };
      if (this.#pos < top.end) return;
      if (this.#pos > top.end) throw invalid('a field runs past its message');
      this.#stack.pop();
    }
  }
}
