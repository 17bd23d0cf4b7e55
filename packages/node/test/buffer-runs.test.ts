// Runs of lines in the buffer (pushRun / takeRuns): every bound, eviction, drop count and batch cut
// must be exactly what pushing the same lines one at a time gives.
import { describe, expect, it } from 'vitest';
import { type DropPolicy, RecordBuffer } from '../src/buffer.js';
import { HIGH_RANK } from '../src/serialize.js';
import { rng } from './helpers/rng.js';

const state = (b: RecordBuffer) => `${b.size} ${b.bytes} ${b.rawBytes} ${b.reserved} ${b.firstSeq} ${b.lastSeq}`;

describe('RecordBuffer runs against one push per line', () => {
  for (const policy of ['oldest-low-first', 'oldest', 'newest'] as const satisfies DropPolicy[]) {
    it(`pushRun and takeRuns answer as push and take line by line (${policy}, 60 seeded runs)`, () => {
      for (let run = 0; run < 60; run++) {
        const next = rng(run * 104729 + policy.length);
        const limits = { maxRecords: 1 + Math.floor(next() * 60), maxBytes: 400 + Math.floor(next() * 6000), policy };
        const runs = new RecordBuffer(limits);
        const lines = new RecordBuffer(limits);
        const held: number[] = [];
        let n = 0;
        for (let op = 0; op < 1500; op++) {
          const r = next();
          if (r < 0.85) {
            // A run of 1-20 lines of one kind, as writeLines hands them over.
            const count = 1 + Math.floor(next() * 20);
            const high = next() < 0.3;
            const batch = Array.from({ length: count }, () => `r${n++}`.padEnd(1 + Math.floor(next() * 60), 'x'));
            const got = runs.pushRun(batch.join('\n'), count, high).dropped;
            let want = 0;
            for (const line of batch) want += lines.push(line, high ? HIGH_RANK : 30).dropped;
            if (got !== want) expect({ run, op, got }).toEqual({ run, op, got: want });
          } else if (r < 0.97) {
            const maxRecords = 1 + Math.floor(next() * 40);
            const maxBytes = 1 + Math.floor(next() * 2000);
            const forceSeq = next() < 0.5 ? Number.POSITIVE_INFINITY : Math.floor(next() * n) - 1;
            const got = runs.takeRuns(maxRecords, maxBytes, forceSeq);
            const want = lines.take(maxRecords, maxBytes, forceSeq);
            const gotLines = got && {
              lines: got.entries.join('\n').split('\n'),
              rawBytes: got.rawBytes,
              held: got.held,
            };
            if (got && got.records !== got.entries.join('\n').split('\n').length) {
              expect({ run, op, records: got.records }).toEqual({ run, op, records: gotLines?.lines.length });
            }
            if (JSON.stringify(gotLines) !== JSON.stringify(want))
              expect({ run, op, got: gotLines }).toEqual({ run, op, got: want });
            if (got) held.push(got.held);
          } else if (held.length > 0) {
            const h = held.splice(Math.floor(next() * held.length), 1)[0]!;
            runs.release(h);
            lines.release(h);
          }
          if (state(runs) !== state(lines))
            expect({ run, op, have: state(runs) }).toEqual({ run, op, have: state(lines) });
        }
      }
    });
  }

  it('keeps a run as one entry, counting its records, characters and overhead as single lines', () => {
    const buf = new RecordBuffer({ maxRecords: 100, maxBytes: 1 << 20, policy: 'oldest-low-first' });
    const one = new RecordBuffer({ maxRecords: 100, maxBytes: 1 << 20, policy: 'oldest-low-first' });
    buf.pushRun('{"a":1}\n{"a":22}\n{"a":333}', 3, false);
    for (const line of ['{"a":1}', '{"a":22}', '{"a":333}']) one.push(line, 30);
    expect([buf.size, buf.bytes, buf.rawBytes, buf.lastSeq]).toEqual([3, one.bytes, one.rawBytes, 2]);
    expect(buf.takeRuns(100, 1 << 20, Number.POSITIVE_INFINITY)).toMatchObject({
      entries: ['{"a":1}\n{"a":22}\n{"a":333}'],
      records: 3,
      rawBytes: 27,
    });
  });

  it('cuts a run where a batch ends (records or bytes), in order, and keeps the rest queued', () => {
    const buf = new RecordBuffer({ maxRecords: 100, maxBytes: 1 << 20, policy: 'oldest' });
    const run = Array.from({ length: 10 }, (_, i) => `{"i":${i}}`);
    buf.pushRun(run.join('\n'), 10, false);
    expect(buf.takeRuns(4, 1 << 20, Number.POSITIVE_INFINITY)?.entries).toEqual([run.slice(0, 4).join('\n')]);
    // 8 bytes a line with its newline: 20 bytes hold two.
    expect(buf.takeRuns(100, 20, Number.POSITIVE_INFINITY)?.entries).toEqual([run.slice(4, 6).join('\n')]);
    expect(buf.firstSeq).toBe(6);
    expect(buf.take(100, 1 << 20, Number.POSITIVE_INFINITY)?.lines).toEqual(run.slice(6));
    expect(buf.size).toBe(0);
  });

  it('evicts one record at a time from a run: the oldest low line first, then the oldest high one', () => {
    const buf = new RecordBuffer({ maxRecords: 4, maxBytes: 1 << 20, policy: 'oldest-low-first' });
    buf.pushRun('e1\ne2', 2, true);
    buf.pushRun('i1\ni2', 2, false);
    expect(buf.push('i3', 30).dropped).toBe(1); // i1
    expect(buf.pushRun('w1\nw2', 2, true).dropped).toBe(2); // i2, i3
    expect(buf.push('e3', 50).dropped).toBe(1); // no low left: e1
    expect(buf.take(10, 1 << 20, Number.POSITIVE_INFINITY)?.lines).toEqual(['e2', 'w1', 'w2', 'e3']);
  });
});
