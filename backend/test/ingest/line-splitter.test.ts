import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { LineSplitter } from '../../src/services/ingest/line-splitter.js';
import { chunksOf } from './chunks.js';

const BODY = Buffer.from('{"a":1}\n\n  \r\nplain text é\r\n{"b":"split across chunks"}\nlast without newline');

describe('LineSplitter', () => {
  it('hands each line to onLine as it completes, skipping blank lines, whatever the chunking', () => {
    // A carriage return stays with its line (the normalizer strips it); a multi-byte character
    // split across chunks is decoded whole.
    const expected = ['{"a":1}', 'plain text é\r', '{"b":"split across chunks"}', 'last without newline'];
    for (const size of [1, 3, 7, BODY.length]) {
      const seen: string[] = [];
      const splitter = new LineSplitter(100, 1024, (line) => seen.push(line));
      for (const chunk of chunksOf(BODY, size)) {
        splitter.push(chunk);
        // Only whole lines are handed over while the body streams.
        expect(seen.every((line, i) => line === expected[i])).toBe(true);
      }
      expect(seen).toHaveLength(3);
      splitter.end();
      expect(seen).toEqual(expected);
    }
  });

  it('keeps only the first maxLineBytes bytes of a longer line', () => {
    const seen: string[] = [];
    const splitter = new LineSplitter(100, 4, (line) => seen.push(line));
    for (const chunk of chunksOf(Buffer.from('abcdefgh\nxy\n123456'), 3)) splitter.push(chunk);
    splitter.end();
    expect(seen).toEqual(['abcd', 'xy', '1234']);
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
