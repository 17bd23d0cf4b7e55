import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyDropCounts } from '@cloudsage/schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudSageError } from '../src/errors.js';
import { decodeSegment, encodeSegment, type SpooledBatch } from '../src/spool/segment-codec.js';
import { SpoolStore } from '../src/spool/spool-store.js';

const HOUR = 3_600_000;
let dir: string;
let now: number;
let reported: CloudSageError[];

function store(limits: { maxBytes?: number; maxAgeMs?: number } = {}): SpoolStore {
  return new SpoolStore(
    dir,
    { maxBytes: limits.maxBytes ?? 1024 * 1024, maxAgeMs: limits.maxAgeMs ?? 23 * HOUR },
    () => now,
    (e) => reported.push(e),
  );
}

function batch(key: string, n: number, pad = 0): SpooledBatch {
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ i, msg: 'x'.repeat(pad) }));
  return { idempotencyKey: key, spooledAt: now, lines, dropped: { ...emptyDropCounts(), overflow: 2 } };
}

function segments(): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.seg'))
    .sort();
}

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'cs-spool-store-')), 'spool');
  now = 1_767_225_600_000;
  reported = [];
});
afterEach(() => {
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

describe('segment codec', () => {
  it('round-trips a batch, and tells a flipped byte, a cut file and foreign bytes apart', () => {
    const b = batch('k1', 3);
    const bytes = encodeSegment(b);
    expect(decodeSegment(bytes)).toEqual({ ok: true, batch: b });

    const flipped = Buffer.from(bytes);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 5) ^ 0x01, flipped.length - 5);
    expect(decodeSegment(flipped)).toEqual({ ok: false, reason: 'checksum mismatch' });

    const cut = decodeSegment(bytes.subarray(0, bytes.length - 10));
    expect(cut.ok).toBe(false);
    expect(!cut.ok && cut.reason).toMatch(/^truncated: /);
    expect(decodeSegment(bytes.subarray(0, 20)).ok).toBe(false);
    expect(decodeSegment(Buffer.from('{"not":"a segment"}\n')).ok).toBe(false);
    expect(decodeSegment(Buffer.concat([bytes, Buffer.from('x')])).ok).toBe(false);
  });
});

describe('SpoolStore', () => {
  it('writes segments that come back oldest first, each claimed once across instances', async () => {
    const a = store();
    expect(a.writeSync(batch('first', 2))).toBe(true);
    now += 1000;
    expect(a.writeSync(batch('second', 1))).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    const b = store();
    const names = await b.pending();
    expect(names).toHaveLength(2);
    const claimed = await b.claim(names[0] as string);
    expect(claimed?.batch.idempotencyKey).toBe('first');
    expect(claimed?.batch.dropped.overflow).toBe(2);
    // Another instance (or process) cannot take the same segment while it is claimed.
    expect(await a.claim(names[0] as string)).toBeUndefined();
    expect(await a.pending()).toEqual([names[1]]);
    await b.unclaim(names[0] as string);
    expect(await a.pending()).toEqual(names);
    const again = await a.claim(names[0] as string);
    await a.done(again!.name);
    expect(await b.pending()).toEqual([names[1]]);
    expect(reported).toEqual([]);
  });

  it('skips and reports a corrupt and a truncated segment, deletes them, and still reads the good one', async () => {
    const s = store();
    s.writeSync(batch('bad', 2));
    now += 1;
    s.writeSync(batch('cut', 2));
    now += 1;
    s.writeSync(batch('good', 2));
    const [bad, cut] = segments() as [string, string];
    const badBytes = readFileSync(join(dir, bad));
    badBytes.writeUInt8(badBytes.readUInt8(badBytes.length - 3) ^ 0x20, badBytes.length - 3);
    writeFileSync(join(dir, bad), badBytes);
    const cutBytes = readFileSync(join(dir, cut));
    writeFileSync(join(dir, cut), cutBytes.subarray(0, cutBytes.length - 7));

    const got: string[] = [];
    for (const name of await s.pending()) {
      const c = await s.claim(name);
      if (c) {
        got.push(c.batch.idempotencyKey);
        await s.done(name);
      }
    }
    expect(got).toEqual(['good']);
    expect(reported.map((e) => e.code)).toEqual(['spool_corrupt', 'spool_corrupt']);
    expect(reported[0]?.message).toMatch(/checksum mismatch/);
    expect(reported[1]?.message).toMatch(/truncated/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the directory under maxBytes by deleting the oldest segments, and refuses a batch larger than the cap', () => {
    const maxBytes = 64 * 1024;
    const s = store({ maxBytes });
    const size = encodeSegment(batch('probe', 10, 2000)).length; // about 20 KiB
    for (let i = 0; i < 6; i++) {
      now += 1;
      expect(s.writeSync(batch(`b${i}`, 10, 2000))).toBe(true);
    }
    const kept = segments();
    const total = kept.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    expect(total).toBeLessThanOrEqual(maxBytes);
    expect(kept).toHaveLength(Math.floor(maxBytes / size));
    const keys = kept.map(
      (f) => (decodeSegment(readFileSync(join(dir, f))) as { batch: SpooledBatch }).batch.idempotencyKey,
    );
    expect(keys).toEqual(['b3', 'b4', 'b5']);
    expect(reported.length).toBeGreaterThan(0);
    expect(reported.every((e) => e.code === 'spool_overflow')).toBe(true);

    reported = [];
    expect(s.writeSync(batch('huge', 40, 2000))).toBe(false);
    expect(reported.map((e) => e.code)).toEqual(['spool_overflow']);
    expect(segments()).toEqual(kept);
  });

  it('deletes segments older than maxAgeMs unsent and reports them', async () => {
    const s = store({ maxAgeMs: HOUR });
    s.writeSync(batch('old', 1));
    now += 30 * 60_000;
    s.writeSync(batch('young', 1));
    now += 31 * 60_000;
    const names = await s.pending();
    expect(names).toHaveLength(1);
    expect((await s.claim(names[0] as string))?.batch.idempotencyKey).toBe('young');
    expect(reported.map((e) => e.code)).toEqual(['spool_expired']);
  });

  it('returns the claim of a process that died mid-send to the queue, and clears its temp files', async () => {
    const s = store();
    s.writeSync(batch('orphan', 1));
    const [name] = segments() as [string];
    // 2^31 - 1 is above any pid_max, so this pid is certainly not running.
    const dead = 2_147_483_647;
    const { renameSync } = await import('node:fs');
    renameSync(join(dir, name), join(dir, `${name}.${dead}-abcd1234.claim`));
    writeFileSync(join(dir, `${name.replace('.seg', '-x.seg')}.${dead}.tmp`), 'half written');
    expect(await store().pending()).toEqual([name]);
    expect(readdirSync(dir)).toEqual([name]);
  });

  it('reports a directory it cannot write instead of throwing', () => {
    mkdirSync(join(dir, '..'), { recursive: true });
    writeFileSync(dir, 'a file, not a directory');
    expect(store().writeSync(batch('x', 1))).toBe(false);
    expect(reported.map((e) => e.code)).toEqual(['spool_io']);
  });
});
