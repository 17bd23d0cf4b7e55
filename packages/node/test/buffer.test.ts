import { describe, expect, it } from 'vitest';
import { type DropPolicy, ENTRY_OVERHEAD, RecordBuffer } from '../src/buffer.js';
import { HIGH_RANK } from '../src/serialize.js';
import { rng } from './helpers/rng.js';

// A plain model of the buffer's contract: an ordered list, bounded by records and bytes (batches in
// flight included), evicting by policy. RecordBuffer must answer every operation as it does.
class ModelBuffer {
  queue: Array<{ line: string; seq: number; high: boolean }> = [];
  reserved = 0;
  private nextSeq = 0;
  constructor(private readonly limits: { maxRecords: number; maxBytes: number; policy: DropPolicy }) {}
  get bytes() {
    return this.queue.reduce((n, e) => n + e.line.length + ENTRY_OVERHEAD, 0);
  }
  get rawBytes() {
    return this.queue.reduce((n, e) => n + e.line.length + 1, 0);
  }
  push(line: string, rank: number): number {
    const size = line.length + ENTRY_OVERHEAD;
    const { maxRecords, maxBytes, policy } = this.limits;
    if (size + this.reserved > maxBytes) return 1;
    let dropped = 0;
    while (this.queue.length >= maxRecords || this.bytes + this.reserved + size > maxBytes) {
      if (policy === 'newest' || this.queue.length === 0) return dropped + 1;
      let at = policy === 'oldest-low-first' ? this.queue.findIndex((e) => !e.high) : 0;
      if (at < 0) at = 0;
      this.queue.splice(at, 1);
      dropped++;
    }
    this.queue.push({ line, seq: this.nextSeq++, high: rank >= HIGH_RANK });
    return dropped;
  }
  take(maxRecords: number, maxBytes: number, forceSeq: number) {
    const first = this.queue[0];
    if (!first) return undefined;
    const full = this.queue.length >= maxRecords || this.rawBytes >= maxBytes;
    if (!full && first.seq > forceSeq) return undefined;
    const lines: string[] = [];
    let raw = 0;
    while (lines.length < maxRecords && this.queue.length > 0) {
      const e = this.queue[0]!;
      if (lines.length > 0 && raw + e.line.length + 1 > maxBytes) break;
      lines.push(e.line);
      raw += e.line.length + 1;
      this.queue.shift();
    }
    const held = raw + lines.length * (ENTRY_OVERHEAD - 1);
    this.reserved += held;
    return { lines, rawBytes: raw, held };
  }
  release(held: number) {
    this.reserved = Math.max(0, this.reserved - held);
  }
}

const RANKS = [10, 20, 30, 40, 50, 60];

describe('RecordBuffer against a plain model', () => {
  for (const policy of ['oldest-low-first', 'oldest', 'newest'] as const) {
    it(`answers every push, take and release as the model does (${policy}, 60 seeded runs)`, () => {
      for (let run = 0; run < 60; run++) {
        const next = rng(run * 7919 + policy.length);
        const limits = { maxRecords: 1 + Math.floor(next() * 40), maxBytes: 400 + Math.floor(next() * 4000), policy };
        const buf = new RecordBuffer(limits);
        const model = new ModelBuffer(limits);
        const held: number[] = [];
        let n = 0;
        // Every third run hardly ever takes: evictions then leave thousands of tombstones behind the head.
        const takeUntil = run % 3 === 0 ? 0.9005 : 0.97;
        // Long runs of pushes (to overflow, and to pile up tombstones past the compaction point) between takes.
        for (let op = 0; op < 4000; op++) {
          const r = next();
          if (r < 0.9) {
            const line = `r${n++}`.padEnd(1 + Math.floor(next() * 60), 'x');
            const rank = RANKS[Math.floor(next() * RANKS.length)]!;
            const dropped = buf.push(line, rank).dropped;
            const expected = model.push(line, rank);
            if (dropped !== expected) expect({ run, op, dropped }).toEqual({ run, op, dropped: expected });
          } else if (r < takeUntil) {
            const maxRecords = 1 + Math.floor(next() * 30);
            const maxBytes = 1 + Math.floor(next() * 1500);
            const forceSeq = next() < 0.5 ? Number.POSITIVE_INFINITY : Math.floor(next() * n) - 1;
            const got = buf.take(maxRecords, maxBytes, forceSeq);
            const expected = model.take(maxRecords, maxBytes, forceSeq);
            if (JSON.stringify(got) !== JSON.stringify(expected))
              expect({ run, op, got }).toEqual({ run, op, got: expected });
            if (got) held.push(got.held);
          } else if (held.length > 0) {
            const h = held.splice(Math.floor(next() * held.length), 1)[0]!;
            buf.release(h);
            model.release(h);
          }
          const state = (b: RecordBuffer | ModelBuffer, size: number, firstSeq: number) =>
            `${size} ${b.bytes} ${b.rawBytes} ${b.reserved} ${firstSeq}`;
          const want = state(model, model.queue.length, model.queue[0]?.seq ?? Number.POSITIVE_INFINITY);
          const have = state(buf, buf.size, buf.firstSeq);
          // One expect on a mismatch only: thousands of them per run would dominate the test's time.
          if (have !== want) expect({ run, op, have }).toEqual({ run, op, have: want });
        }
      }
    });
  }

  it('evicts the oldest high record again after a bulk removal of tombstones (no low record left)', () => {
    // Every eviction here takes a high record, moving the high scan position; once the tombstones are
    // removed in bulk the slots are renumbered, and the scan must start again from the new head.
    const limits = { maxRecords: 10, maxBytes: 1 << 20, policy: 'oldest-low-first' as const };
    const buf = new RecordBuffer(limits);
    const model = new ModelBuffer(limits);
    // Nothing reads the head in between, so the tombstones pile up to the bulk removal.
    for (let i = 0; i < 3000; i++) expect(buf.push(`h${i}`, 50).dropped).toBe(model.push(`h${i}`, 50));
    expect(buf.firstSeq).toBe(model.queue[0]!.seq);
    expect(buf.take(100, 1 << 20, Number.POSITIVE_INFINITY)).toEqual(
      model.take(100, 1 << 20, Number.POSITIVE_INFINITY),
    );
  });

  it('removes tombstones in bulk, keeping the order, the counts and which records are high', () => {
    const limits = { maxRecords: 10, maxBytes: 1 << 20, policy: 'oldest-low-first' as const };
    const buf = new RecordBuffer(limits);
    const model = new ModelBuffer(limits);
    // High records at the head stay while thousands of low ones are evicted behind them.
    for (let i = 0; i < 6000; i++) {
      // The last ones all high: with no low record left, the oldest high ones go.
      const rank = i % 1500 === 0 || i >= 5990 ? 50 : 30;
      expect(buf.push(`r${i}`, rank).dropped).toBe(model.push(`r${i}`, rank));
    }
    expect([buf.size, buf.bytes, buf.rawBytes, buf.firstSeq]).toEqual([
      model.queue.length,
      model.bytes,
      model.rawBytes,
      model.queue[0]!.seq,
    ]);
    expect(buf.take(100, 1 << 20, Number.POSITIVE_INFINITY)).toEqual(
      model.take(100, 1 << 20, Number.POSITIVE_INFINITY),
    );
  });
});
