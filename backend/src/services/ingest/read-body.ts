import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { AppError } from '../../errors.js';
import type { BodyEncoding } from './body-form.js';

/** Limits checked while the body streams in. */
export interface BodyLimits {
  /** Largest body as sent (compressed when gzip). */
  maxBodyBytes: number;
  /** Largest body after decompression. */
  maxInflatedBytes: number;
}

/** What reading a body measured. */
export interface BodyBytes {
  raw: number;
  inflated: number;
}

// zlib's output chunk: 64 KiB instead of the 16 KiB default makes a usual 200 KiB batch four
// round trips through the zlib stream instead of thirteen, each with its callbacks and buffering.
const GUNZIP_CHUNK_BYTES = 64 * 1024;

function tooLarge(what: string, limit: number): AppError {
  return new AppError('payload_too_large', `the ${what} exceeds ${limit} bytes`, { details: { limit } });
}

/**
 * Streams a request body into `onChunk`, decompressing gzip on the way, and stops as soon as a
 * limit is passed: raw bytes are counted as they arrive and inflated bytes as zlib produces them,
 * so a small gzip bomb is cut after `maxInflatedBytes` with only zlib's 64 KiB chunks in memory.
 * The request stream itself is never destroyed (the 413 still has to reach the client); the
 * caller closes the connection instead. `onRaw` hears the raw bytes taken so far (the ingest
 * pool's flow control).
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
): Promise<BodyBytes> {
  const bytes: BodyBytes = { raw: 0, inflated: 0 };
  async function* rawChunks(): AsyncGenerator<Buffer> {
    for await (const chunk of body.iterator({ destroyOnReturn: false })) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      bytes.raw += buf.length;
      if (bytes.raw > limits.maxBodyBytes) throw tooLarge('request body', limits.maxBodyBytes);
      onRaw?.(bytes.raw);
      yield buf;
    }
  }
  const consume = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      bytes.inflated += chunk.length;
      if (bytes.inflated > limits.maxInflatedBytes) throw tooLarge('decompressed body', limits.maxInflatedBytes);
      onChunk(chunk);
    }
  };
  try {
    if (encoding === 'gzip') await pipeline(rawChunks, createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), consume);
    else await consume(rawChunks());
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string })?.code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new AppError('invalid_body', 'the body is not valid gzip', { cause: err });
    }
    throw err;
  }
  return bytes;
}
