import { createBatch, type SendResult } from '@cloudsage/node';
import { emptyDropCounts } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { AckTracker, type PlacedBatch } from '../src/ship/ack-tracker.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function setup() {
  const answers = new Map<string, ReturnType<typeof deferred<SendResult>>>();
  const journaled: PlacedBatch[] = [];
  const settled: PlacedBatch[] = [];
  const inner = {
    send: (b: { idempotencyKey: string }) => {
      const d = deferred<SendResult>();
      answers.set(b.idempotencyKey, d);
      return d.promise;
    },
  };
  const tracker = new AckTracker(
    inner,
    { journal: (b) => journaled.push(b), settled: (bs) => settled.push(...bs) },
    true,
  );
  const src = tracker.addSource({ id: '1:2', path: 'a.log', gen: 0 }, 100);
  const batch = (key: string, n: number) =>
    createBatch(
      key,
      Array.from({ length: n }, (_, i) => `l${i}`),
      n * 3,
      emptyDropCounts(),
    );
  return { tracker, src, answers, journaled, settled, batch };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('AckTracker', () => {
  it('maps batches to byte ranges in order even when a later batch reaches send first', async () => {
    const { tracker, src, answers, journaled, settled, batch } = setup();
    for (let i = 1; i <= 5; i++) tracker.note(src, 100 + i * 10, 1000 + i);
    const k0 = tracker.newId();
    const k1 = tracker.newId();
    const p1 = tracker.sender.send(batch(k1, 3), { signal: new AbortController().signal });
    await tick();
    expect(journaled).toHaveLength(0); // batch 0's size is not known yet
    const p0 = tracker.sender.send(batch(k0, 2), { signal: new AbortController().signal });
    await tick();
    expect(journaled.map((b) => [b.key, b.ranges.map((r) => [r.start, r.end])])).toEqual([
      [k0, [[100, 120]]],
      [k1, [[120, 150]]],
    ]);
    // Batch 1 is acknowledged first: nothing settles until batch 0 is too.
    answers.get(k1)!.resolve({ kind: 'sent', status: 202 });
    await p1;
    expect(settled).toHaveLength(0);
    expect(tracker.oldestUnacked()).toBe(1001);
    answers.get(k0)!.resolve({ kind: 'sent', status: 202 });
    await p0;
    expect(settled.map((b) => b.key)).toEqual([k0, k1]);
    expect(tracker.acked).toBe(5);
    expect(tracker.oldestUnacked()).toBeUndefined();
  });

  it('settles a split batch when both halves are sent, and a refused one as failed', async () => {
    const { tracker, src, answers, settled, batch } = setup();
    for (let i = 1; i <= 4; i++) tracker.note(src, 100 + i, 0);
    const k0 = tracker.newId();
    const signal = new AbortController().signal;
    const whole = tracker.sender.send(batch(k0, 4), { signal });
    await tick();
    answers.get(k0)!.resolve({ kind: 'too_large', status: 413, message: 'big' });
    await whole;
    const left = tracker.sender.send(batch(`${k0}.0`, 2), { signal });
    const right = tracker.sender.send(batch(`${k0}.1`, 2), { signal });
    await tick();
    answers.get(`${k0}.0`)!.resolve({ kind: 'sent', status: 202 });
    await left;
    expect(settled).toHaveLength(0);
    answers.get(`${k0}.1`)!.resolve({ kind: 'failed', status: 400, message: 'bad' });
    await right;
    expect(settled.map((b) => b.key)).toEqual([k0]);
    expect({ acked: tracker.acked, failed: tracker.failed }).toEqual({ acked: 2, failed: 2 });
  });

  it('does not settle batches aborted by the shutdown, and passes other runs’ keys straight through', async () => {
    const { tracker, src, answers, settled, batch } = setup();
    tracker.note(src, 110, 0);
    const k0 = tracker.newId();
    const p = tracker.sender.send(batch(k0, 1), { signal: new AbortController().signal });
    await tick();
    tracker.close();
    answers.get(k0)!.resolve({ kind: 'failed', message: 'the agent is shutting down' });
    await p;
    expect(settled).toHaveLength(0);
    const foreign = tracker.sender.send(batch('zzzzzzzz-3', 2), { signal: new AbortController().signal });
    await tick();
    answers.get('zzzzzzzz-3')!.resolve({ kind: 'sent', status: 202 });
    expect(await foreign).toEqual({ kind: 'sent', status: 202 });
    expect(tracker.acked).toBe(0);
  });
});
