import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/ndjson-lines.js';
import { lcg } from './helpers.js';

function splitInChunks(bytes: Buffer, cuts: number[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.write(bytes.subarray(at, cut));
    at = cut;
  }
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  // Multi-byte characters (2, 3 and 4 bytes), an empty line, a line far longer than one decoded span.
  const text = ['{"msg":"é ✓ 漢字 🙂"}', '', 'x'.repeat(200_000), '{"n":1}', '🙂'.repeat(40_000), 'last'].join('\n');
  const bytes = Buffer.from(text);

  it('gives the lines of any chunking, characters split across chunks included', () => {
    const rnd = lcg(5);
    for (let round = 0; round < 200; round++) {
      const cuts = Array.from({ length: Math.floor(rnd() * 12) }, () => Math.floor(rnd() * bytes.length)).sort(
        (a, b) => a - b,
      );
      expect(splitInChunks(bytes, cuts)).toEqual(text.split('\n'));
    }
  });

  it('cuts a chunk larger than a span into spans and one byte at a time alike', () => {
    const big = Buffer.from(
      `${Array.from({ length: 5_000 }, (_, i) => `{"i":${i},"pad":"${'é'.repeat(30)}"}`).join('\n')}\n`,
    );
    const expected = big.toString('utf8').split('\n').slice(0, -1);
    expect(splitInChunks(big, [])).toEqual(expected);
    const small = Buffer.from('ab\nc🙂d\n');
    expect(
      splitInChunks(
        small,
        Array.from({ length: small.length - 1 }, (_, i) => i + 1),
      ),
    ).toEqual(['ab', 'c🙂d']);
  });

  it('has no line after a final newline, and one without it', () => {
    expect(splitInChunks(Buffer.from('a\nb\n'), [])).toEqual(['a', 'b']);
    expect(splitInChunks(Buffer.from('a\nb'), [])).toEqual(['a', 'b']);
    expect(splitInChunks(Buffer.alloc(0), [])).toEqual([]);
  });
});
