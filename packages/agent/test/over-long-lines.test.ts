import { LIMITS } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { closeJsonPrefix } from '../src/close-json-prefix.js';
import { MultilineJoiner } from '../src/multiline.js';
import { cutRecordLine } from '../src/record.js';
import { LineSplitter } from '../src/tail/line-splitter.js';

type Emitted = [line: string, end: number, originalBytes: number | undefined];

/** Feeds `input` to a truncating splitter in `chunk`-byte pieces; returns every emitted line. */
function splitTruncating(input: Buffer, max: number, chunk: number): Emitted[] {
  const s = new LineSplitter(max, 'truncate');
  const out: Emitted[] = [];
  for (let at = 0; at < input.length; at += chunk) {
    const piece = input.subarray(at, Math.min(input.length, at + chunk));
    s.push(piece, at + piece.length, (line, end, cut) => out.push([line, end, cut]));
  }
  s.end(input.length, (line, end, cut) => out.push([line, end, cut]));
  return out;
}

describe('LineSplitter, truncating', () => {
  it('emits a 5 MiB line once, as its first max bytes with its true size, and the lines around it whole', () => {
    const big = 'x'.repeat(5 * 1024 * 1024);
    const input = Buffer.from(`before\n${big}\nafter\n`);
    const out = splitTruncating(input, 1024 * 1024, 32 * 1024);
    expect(out.map(([line, end, cut]) => [line.length, end, cut])).toEqual([
      [6, 7, undefined],
      [1024 * 1024, 7 + big.length + 1, big.length],
      [5, input.length, undefined],
    ]);
  });

  it('keeps a line of exactly max bytes whole, cuts one byte more, and never splits a character', () => {
    const euros = '€'.repeat(10); // 30 bytes
    const out = splitTruncating(Buffer.from(`${'a'.repeat(16)}\n${'b'.repeat(17)}\n${euros}\n`), 16, 5);
    expect(out).toEqual([
      ['a'.repeat(16), 17, undefined],
      ['b'.repeat(16), 35, 17],
      // 16 bytes hold 5 whole euro signs (15 bytes): the sixth, cut after its first byte, is dropped.
      ['€'.repeat(5), 66, 30],
    ]);
  });

  it('emits a cut line held at the end of the input with its true size', () => {
    expect(splitTruncating(Buffer.from('y'.repeat(100)), 10, 7)).toEqual([['y'.repeat(10), 100, 100]]);
  });
});

describe('MultilineJoiner and a cut line', () => {
  it('makes a cut line a record of its own, after the record it holds', () => {
    const out: Array<[string, number | undefined]> = [];
    const j = new MultilineJoiner('auto', 500, (text, _end, cut) => out.push([text, cut]));
    j.push('Error: boom', 1, 0);
    j.push('  at main (a.js:1:1)', 2, 0);
    j.push('  xxxxxxxx', 3, 0, 5_000_000);
    j.push('  at next (a.js:2:2)', 4, 0);
    j.flush();
    expect(out).toEqual([
      ['Error: boom\n  at main (a.js:1:1)', undefined],
      ['  xxxxxxxx', 5_000_000],
      ['  at next (a.js:2:2)', undefined],
    ]);
  });
});

describe('closeJsonPrefix', () => {
  const mark = () => '…';
  it('ends the string the cut fell in and closes what is open', () => {
    const prefix = '{"level":50,"err":{"stack":["a","bc';
    expect(closeJsonPrefix(prefix, mark)).toEqual({
      value: { level: 50, err: { stack: ['a', 'bc…'] } },
      cutString: true,
      kept: prefix.length,
    });
  });
  it('drops a member cut in its name, its number or its literal, and a half escape', () => {
    expect(closeJsonPrefix('{"a":1,"lon', mark)?.value).toEqual({ a: 1 });
    expect(closeJsonPrefix('{"a":1,"n":12', mark)?.value).toEqual({ a: 1 });
    expect(closeJsonPrefix('{"a":[true,fal', mark)?.value).toEqual({ a: [true] });
    expect(closeJsonPrefix('{"a":"x\\u00', mark)?.value).toEqual({ a: 'x…' });
    expect(closeJsonPrefix('{"a":"x\\', mark)?.value).toEqual({ a: 'x…' });
    expect(closeJsonPrefix('{"a":{"b":', mark)?.value).toEqual({ a: {} });
  });
  it('answers undefined for what is not the start of a JSON object', () => {
    expect(closeJsonPrefix('[1,2', mark)).toBeUndefined();
    expect(closeJsonPrefix('{"a":nope,"b":1', mark)).toBeUndefined();
    expect(closeJsonPrefix('{"a":1]', mark)).toBeUndefined();
  });
});

describe('cutRecordLine', () => {
  it('keeps a JSON line a JSON record with its level, the cut size in the marker and the true size', () => {
    const head = `{"level":50,"time":1764000000000,"msg":"${'m'.repeat(1000)}`;
    const record = JSON.parse(cutRecordLine(head, 5_000_000, 0, 'api')!);
    expect(record).toMatchObject({
      level: 50,
      time: 1764000000000,
      service: 'api',
      'cloudsage.truncated': true,
      'cloudsage.original_bytes': 5_000_000,
    });
    expect(record.msg).toBe(`${'m'.repeat(1000)}…[truncated ${5_000_000 - head.length} bytes]`);
  });
  it('cuts the string further so that the record fits inside the backend’s per-record limit', () => {
    const prefix = '{"level":"warn","msg":"';
    const out = cutRecordLine(`${prefix}${'m'.repeat(1024 * 1024)}`, 3_000_000, 0)!;
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(LIMITS.maxRecordBytes - 8 * 1024);
    const record = JSON.parse(out);
    const kept = /^m+/.exec(record.msg)![0].length;
    expect(kept).toBeGreaterThan(200_000);
    expect(record).toEqual({
      level: 'warn',
      msg: `${'m'.repeat(kept)}…[truncated ${3_000_000 - prefix.length - kept} bytes]`,
      'cloudsage.truncated': true,
      'cloudsage.original_bytes': 3_000_000,
    });
  });
  it('makes any other line a plain-text record of its start, level from its words', () => {
    const record = JSON.parse(cutRecordLine('2026-01-02T03:04:05Z ERROR dump aaaa', 9000, 0)!);
    expect(record).toMatchObject({
      level: 'error',
      time: '2026-01-02T03:04:05.000Z',
      attributes: { 'cloudsage.truncated': true, 'cloudsage.original_bytes': 9000 },
    });
    expect(record.msg).toMatch(/dump aaaa…\[truncated 8964 bytes\]$/);
  });
});
