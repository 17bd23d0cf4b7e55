import { type Batch, type Clock, createBatch, type SendResult } from '@cloudsage/node';
import { emptyDropCounts } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { type Refusal, RefusalGate, refusalOf, type WhileRefused } from '../src/ship/refusal-gate.js';

/** A clock whose time moves only when the test says so. */
function manualClock() {
  let now = 1_000_000;
  const timers: Array<{ at: number; fn: () => void }> = [];
  const clock: Clock = {
    now: () => now,
    setTimeout(fn, ms) {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimeout(handle) {
      const i = timers.indexOf(handle as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  return {
    clock,
    async advance(ms: number) {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
      await tick();
    },
  };
}

const tick = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
const batch = (key: string): Batch => createBatch(key, ['{"msg":"x"}'], 12, emptyDropCounts());
const UNAUTHORIZED: SendResult = { kind: 'failed', status: 401, message: 'The API key is invalid or revoked.' };

/** A gate over a backend that answers with `answer()`; records every key that reached it. */
function setup(whileRefused: WhileRefused) {
  let answer: SendResult = UNAUTHORIZED;
  const reached: string[] = [];
  const events: string[] = [];
  const { clock, advance } = manualClock();
  const gate = new RefusalGate(
    {
      send: async (b) => {
        reached.push(b.idempotencyKey);
        return answer;
      },
    },
    {
      whileRefused,
      reprobeMs: 60_000,
      clock,
      onRefused: (r: Refusal) => events.push(`refused ${r.code}`),
      onAccepted: () => events.push('accepted'),
    },
  );
  return {
    gate,
    reached,
    events,
    advance,
    accept: () => {
      answer = { kind: 'sent', status: 202 };
    },
  };
}

describe('RefusalGate', () => {
  it('names the setting of each refusal, and leaves other answers alone', () => {
    expect(refusalOf(UNAUTHORIZED)?.code).toBe('ingest_unauthorized');
    expect(refusalOf({ kind: 'failed', status: 403, message: 'no scope' })?.code).toBe('ingest_unauthorized');
    expect(
      refusalOf({ kind: 'failed', status: 404, serverCode: 'not_found', message: 'project not found' })?.code,
    ).toBe('project_not_found');
    expect(refusalOf({ kind: 'failed', status: 404, message: 'HTTP 404' })?.code).toBe('endpoint_not_cloudsage');
    expect(refusalOf({ kind: 'failed', status: 400, message: 'bad body' })).toBeUndefined();
    expect(refusalOf({ kind: 'retryable', status: 503, message: 'down' })).toBeUndefined();
  });

  it('holds refused batches, probes once a minute with one of them, and releases all when one is taken', async () => {
    const { gate, reached, events, advance, accept } = setup('hold');
    const signal = new AbortController().signal;
    const settled: string[] = [];
    const a = gate.sender.send(batch('a'), { signal }).then((r) => settled.push(`a ${r.kind}`));
    const b = gate.sender.send(batch('b'), { signal }).then((r) => settled.push(`b ${r.kind}`));
    await tick();
    // Both were refused; the second arrived while the first was being refused: one report, nothing settles.
    expect({ reached: [...reached], events: [...events], settled }).toEqual({
      reached: ['a', 'b'],
      events: ['refused ingest_unauthorized'],
      settled: [],
    });
    const c = gate.sender.send(batch('c'), { signal }).then((r) => settled.push(`c ${r.kind}`));
    await advance(59_999);
    expect(reached).toHaveLength(2); // held: nothing reaches the backend between probes
    await advance(1);
    expect(reached).toEqual(['a', 'b', 'a']); // the probe: still refused, still held
    expect(settled).toEqual([]);
    accept();
    await advance(60_000);
    await Promise.all([a, b, c]);
    expect(events).toEqual(['refused ingest_unauthorized', 'accepted']);
    expect(reached.slice(3).sort()).toEqual(['a', 'b', 'c']);
    expect(settled.sort()).toEqual(['a sent', 'b sent', 'c sent']);
    expect(gate.refusal).toBeUndefined();
  });

  it('releases a held batch as not sent, with no status, when its sender aborts', async () => {
    const { gate } = setup('hold');
    const controller = new AbortController();
    const pending = gate.sender.send(batch('a'), { signal: controller.signal });
    await tick();
    controller.abort();
    expect(await pending).toEqual({ kind: 'failed', message: 'stopped while the backend refuses' });
    expect(gate.refusal?.status).toBe(401);
  });

  it('for the spool, answers at once with a wait past any retry budget, and probes once a minute', async () => {
    const { gate, reached, advance, accept } = setup('spool');
    const signal = new AbortController().signal;
    const first = await gate.sender.send(batch('a'), { signal });
    expect(first).toMatchObject({ kind: 'retryable', retryAfterMs: 24 * 3_600_000 + 1 });
    expect((await gate.sender.send(batch('b'), { signal })).kind).toBe('retryable');
    expect(reached).toEqual(['a']);
    await advance(60_000);
    accept();
    expect(await gate.sender.send(batch('c'), { signal })).toEqual({ kind: 'sent', status: 202 });
    expect(await gate.sender.send(batch('d'), { signal })).toEqual({ kind: 'sent', status: 202 });
    expect(reached).toEqual(['a', 'c', 'd']);
  });
});
