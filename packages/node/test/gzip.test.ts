import { gunzipSync } from 'node:zlib';
import { emptyDropCounts } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { encodeLines, gzipLines } from '../src/gzip.js';
import { createBatch } from '../src/index.js';
import { rng } from './helpers/rng.js';

// The body as the straightforward join would make it: the reference encodeLines must match byte for byte.
const reference = (lines: readonly string[]) => Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');

// A small seeded generator, so a failure can be replayed.
// ASCII, 2-, 3- and 4-byte characters, and lone surrogates (encoded as U+FFFD).
const ALPHABET = ['a', '{', '"', 'é', 'ß', '€', '中', '😀', '\ud800', '\udfff', ' '];

function randomLines(next: () => number): string[] {
  const lines: string[] = [];
  const count = Math.floor(next() * 6);
  for (let i = 0; i < count; i++) {
    let line = '';
    const len = Math.floor(next() * 12);
    // Mostly ASCII, so non-ASCII characters land at every position, the last line's end included.
    for (let j = 0; j < len; j++) line += next() < 0.8 ? 'x' : ALPHABET[Math.floor(next() * ALPHABET.length)];
    lines.push(line);
  }
  return lines;
}

describe('encodeLines', () => {
  it('writes ASCII lines as NDJSON', () => {
    expect(encodeLines(['{"msg":"a"}', '{"msg":"b"}']).toString()).toBe('{"msg":"a"}\n{"msg":"b"}\n');
    expect(encodeLines([]).length).toBe(0);
  });

  it('matches the joined UTF-8 encoding for any mix of characters (5,000 seeded cases)', () => {
    const next = rng(6);
    for (let i = 0; i < 5000; i++) {
      const lines = randomLines(next);
      expect(encodeLines(lines).equals(reference(lines)), JSON.stringify(lines)).toBe(true);
    }
  });

  it('catches a multi-byte line that would overrun the room sized for ASCII', () => {
    // The last line alone needs 5 bytes for 2 characters: written into 1 byte per character it would be cut.
    const lines = ['x', 'é€'];
    expect(encodeLines(lines).equals(reference(lines))).toBe(true);
  });
});

describe('gzipLines', () => {
  it('gzips the NDJSON body', async () => {
    const lines = ['{"msg":"a"}', '{"msg":"é"}'];
    expect(gunzipSync(await gzipLines(lines)).equals(reference(lines))).toBe(true);
  });

  it('gzips at the level asked for (level 1 for the agent), to the same body', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => `{"level":30,"msg":"request ${i % 7} completed"}`);
    const fast = await gzipLines(lines, 1);
    const best = await gzipLines(lines, 9);
    expect(gunzipSync(fast).equals(reference(lines))).toBe(true);
    expect(gunzipSync(best).equals(reference(lines))).toBe(true);
    expect(fast.length).toBeGreaterThan(best.length);
  });
});

describe('batch.body', () => {
  it('compresses once per level and keeps that body for retries; another level compresses again', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => `{"level":30,"msg":"request ${i % 7} completed"}`);
    const batch = createBatch('k', lines, 0, emptyDropCounts());
    const fast = batch.body(1);
    expect(batch.body(1)).toBe(fast);
    const usual = batch.body();
    expect(usual).not.toBe(fast);
    expect(batch.body()).toBe(usual);
    const [a, b] = await Promise.all([fast, usual]);
    expect(gunzipSync(a).equals(reference(lines))).toBe(true);
    expect(gunzipSync(b).equals(reference(lines))).toBe(true);
    // RFC 1952: XFL is 4 for the fastest level, 0 for the default.
    expect([a[8], b[8]]).toEqual([4, 0]);
  });
});
