import { gzip as gzipCallback } from 'node:zlib';

// Room beyond one byte per character. A write that runs out of room stops before a character it cannot
// finish (at most 3 bytes short of the end), so with 4 spare bytes a cut-off line always reports more
// bytes than characters and is caught by the ASCII check below.
const SLACK = 4;

/**
 * The NDJSON body of `lines` as UTF-8: every line followed by `\n`. Each line is written straight into
 * one buffer: joining a batch of lines into a string and encoding that costs ~7x more (the lines are
 * slices of larger strings, and the joined copy is encoded once more). Lines are assumed ASCII, the
 * usual case for JSON logs, where UTF-8 bytes equal characters; the first line that is not falls back
 * to sizing every line exactly.
 *
 * @example
 * encodeLines(['{"msg":"a"}', '{"msg":"b"}']).toString(); // '{"msg":"a"}\n{"msg":"b"}\n'
 */
export function encodeLines(lines: readonly string[]): Buffer {
  let chars = lines.length;
  for (const line of lines) chars += line.length;
  const buf = Buffer.allocUnsafe(chars + SLACK);
  let off = 0;
  for (const line of lines) {
    const written = buf.write(line, off, 'utf8');
    // UTF-8 takes more bytes than UTF-16 units for any character past ASCII.
    if (written !== line.length) return encodeExact(lines);
    off += written;
    buf[off++] = 0x0a;
  }
  return buf.subarray(0, off);
}

function encodeExact(lines: readonly string[]): Buffer {
  let bytes = lines.length;
  for (const line of lines) bytes += Buffer.byteLength(line, 'utf8');
  const buf = Buffer.allocUnsafe(bytes);
  let off = 0;
  for (const line of lines) {
    off += buf.write(line, off, 'utf8');
    buf[off++] = 0x0a;
  }
  return buf;
}

/**
 * Encodes lines as NDJSON ({@link encodeLines}) and gzips them, at zlib's default level unless `level`
 * is given. The compression runs on libuv's thread pool, so the calling thread only pays for the encoding.
 *
 * @example
 * const body = await gzipLines(['{"msg":"a"}', '{"msg":"b"}'], 1);
 */
export function gzipLines(lines: readonly string[], level?: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gzipCallback(encodeLines(lines), level === undefined ? {} : { level }, (err, out) =>
      err ? reject(err) : resolve(out),
    );
  });
}
