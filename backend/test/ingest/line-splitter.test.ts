import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { LineSplitter } from '../../src/services/ingest/line-splitter.js';

const BODY = Buffer.from('{"a":1}\n\n  \r\nplain text é\r\n{"b":"split across chunks"}\nlast without newline');

function chunked(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

describe('LineSplitter', () => {
  it('hands each line to onLine as it completes, the same lines it would collect, whatever the chunking', () => {
    const collected = new LineSplitter(100, 1024);
    collected.push(BODY);
    const expected = collected.end();
    expect(expected).toHaveLength(4);
    for (const size of [1, 3, 7, BODY.length]) {
      const seen: string[] = [];
      const streamed = new LineSplitter(100, 1024, (line) => seen.push(line));
      for (const chunk of chunked(BODY, size)) streamed.push(chunk);
      expect(streamed.end()).toEqual([]);
      expect(seen).toEqual(expected);
    }
  });

  it('refuses the line after maxLines with 413 while streaming, having handed over only maxLines', () => {
    const seen: string[] = [];
    const splitter = new LineSplitter(2, 1024, (line) => seen.push(line));
    const error = (() => {
      try {
        splitter.push(Buffer.from('a\nb\nc\n'));
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('too_many_records');
    expect(seen).toEqual(['a', 'b']);
  });
});
