import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { AppError } from '../../errors.js';
import type { BodyEncoding } from './body-form.js';

/** Limits checked while the body streams in. */
export interface BodyLimits {
  /** Largest body as sent (compressed when gzip). */
  maxBodyBytes: number;
  /** Largest body after decompression. */
  maxInflatedBytes: number;
}

/**
 * A gzip body read whole: its bytes as sent and inflated, when inflating took every byte sent (no
 * trailing padding). A caller may store `raw` in place of compressing `inflated` again.
 */
export interface WholeGzip {
  raw: Buffer;
  inflated: Buffer;
}

/** What reading a body measured. */
export interface BodyBytes {
  raw: number;
  inflated: number;
}

// zlib's output chunk: 64 KiB instead of the 16 KiB default makes a usual 200 KiB batch four
// round trips through the zlib stream instead of thirteen, each with its callbacks and buffering.
const GUNZIP_CHUNK_BYTES = 64 * 1024;

// A gzip body up to this size (as sent) is inflated in one synchronous call once it has all
// arrived, instead of through the zlib stream, whose hops to libuv's pool (shared with the bucket's
// fsyncs) took 1.4 ms of wall time for a 14 KiB body of 1,000 records against 0.4 ms this way. The
// ingest worker thread is itself the parallelism (inline, without workers, such a body holds the
// event loop about half a millisecond); bench:ingest throughput moved within its noise.
const SYNC_RAW_MAX = 128 * 1024;
// What that one call may produce: a small bomb stops here and is streamed instead, so memory
// stays at a few MB whatever the limits say.
const SYNC_INFLATED_MAX = 4 * 1024 * 1024;

function tooLarge(what: string, limit: number): AppError {
  return new AppError('payload_too_large', `the ${what} exceeds ${limit} bytes`, { details: { limit } });
}

/**
 * Streams a request body into `onChunk`, decompressing gzip on the way, and stops as soon as a
 * limit is passed: raw bytes are counted as they arrive and inflated bytes as zlib produces them,
 * so a gzip bomb is cut after `maxInflatedBytes` with at most a few MB in memory (a small body is
 * inflated in one call capped at 4 MiB, anything more through zlib's 64 KiB stream chunks).
 * The request stream itself is never destroyed (the 413 still has to reach the client); the
 * caller closes the connection instead. `onRaw` hears the raw bytes taken so far (the ingest
 * pool's flow control); `onWhole` hears a small gzip body inflated in one call (see WholeGzip).
 *
 * @example
 * await readBody(request.raw, 'gzip', config.limits, (chunk) => splitter.push(chunk));
 */
export async function readBody(
  body: Readable,
  encoding: BodyEncoding,
  limits: BodyLimits,
  onChunk: (chunk: Buffer) => void,
  onRaw?: (rawBytes: number) => void,
  onWhole?: (whole: WholeGzip) => void,
): Promise<BodyBytes> {
  const bytes: BodyBytes = { raw: 0, inflated: 0 };
  const iterator = body.iterator({ destroyOnReturn: false });
  const take = (chunk: unknown): Buffer => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    bytes.raw += buf.length;
    if (bytes.raw > limits.maxBodyBytes) throw tooLarge('request body', limits.maxBodyBytes);
    onRaw?.(bytes.raw);
    return buf;
  };
  // `head` holds chunks already taken (counted) by the small-body path.
  async function* rawChunks(head: Buffer[] = []): AsyncGenerator<Buffer> {
    yield* head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield take(next.value);
    }
  }
  const consumeOne = (chunk: Buffer): void => {
    bytes.inflated += chunk.length;
    if (bytes.inflated > limits.maxInflatedBytes) throw tooLarge('decompressed body', limits.maxInflatedBytes);
    onChunk(chunk);
  };
  const consume = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) consumeOne(chunk);
  };
  try {
    if (encoding !== 'gzip') await consume(rawChunks());
    else {
      const head = await takeSmallBody(iterator, take);
      const small = head.complete ? inflateSmall(head.chunks) : undefined;
      if (small) {
        consumeOne(small.inflated);
        if (small.whole) onWhole?.(small);
      } else await pipeline(rawChunks(head.chunks), createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), consume);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string })?.code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new AppError('invalid_body', 'the body is not valid gzip', { cause: err });
    }
    throw err;
  } finally {
    // Detaches the iterator's listeners from the request stream (without destroying it), as a
    // `for await` over it would on leaving early.
    iterator.return?.().catch(() => {});
  }
  return bytes;
}

/** Takes raw chunks until the body ends (`complete`) or passes `SYNC_RAW_MAX`. */
async function takeSmallBody(
  iterator: AsyncIterator<unknown>,
  take: (chunk: unknown) => Buffer,
): Promise<{ chunks: Buffer[]; complete: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  while (size <= SYNC_RAW_MAX) {
    const next = await iterator.next();
    if (next.done) return { chunks, complete: true };
    const buf = take(next.value);
    chunks.push(buf);
    size += buf.length;
  }
  return { chunks, complete: false };
}

/**
 * The inflated body, or undefined when it would pass `SYNC_INFLATED_MAX` (then it is streamed).
 * `whole` says zlib took every byte sent: it stops early only at zero padding after the last member.
 */
function inflateSmall(chunks: Buffer[]): (WholeGzip & { whole: boolean }) | undefined {
  try {
    const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    const { buffer, engine } = gunzipSync(raw, { maxOutputLength: SYNC_INFLATED_MAX, info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    return { raw, inflated: buffer, whole: engine.bytesWritten === raw.length };
  } catch (err) {
    if ((err as { code?: string })?.code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw err;
  }
}
