import { describe, expect, it } from 'vitest';
import { SharedRun } from '../src/flush.js';
import type { Batch, SendResult, Transport } from '../src/index.js';
import { CloudSage } from '../src/index.js';
import { ManualClock } from './helpers/manual-clock.js';

class GatedTransport implements Transport {
  readonly sends: Batch[] = [];
  private gates: Array<() => void> = [];
  send(batch: Batch): Promise<SendResult> {
    this.sends.push(batch);
    return new Promise((resolve) => this.gates.push(() => resolve({ kind: 'sent', status: 202 })));
  }
  open(): void {
    for (const g of this.gates.splice(0)) g();
  }
  get waiting(): number {
    return this.gates.length;
  }
}

async function turns(n = 50): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

describe('flush', () => {
  it('concurrent flush() calls share one drain: no duplicate sends, and the second waits for the drain', async () => {
    const t = new GatedTransport();
    const c = new CloudSage({ transport: t, exitHooks: false, clock: new ManualClock() });
    c.info('a');
    c.info('b');
    let firstDone = false;
    let secondDone = false;
    const first = c.flush().then((r) => {
      firstDone = true;
      return r;
    });
    const second = c.flush().then((r) => {
      secondDone = true;
      return r;
    });
    await turns();
    expect(t.sends).toHaveLength(1);
    expect(firstDone || secondDone).toBe(false);
    t.open();
    const [r1, r2] = await Promise.all([first, second]);
    expect(t.sends).toHaveLength(1);
    expect(r1).toEqual({ sent: 2, dropped: 0, pending: 0 });
    expect(r2).toEqual({ sent: 2, dropped: 0, pending: 0 });
  });

  it('a flush called during a drain also covers records logged after the drain began', async () => {
    const t = new GatedTransport();
    const c = new CloudSage({ transport: t, exitHooks: false, clock: new ManualClock(), concurrency: 1 });
    c.info('a');
    const first = c.flush();
    await turns();
    c.info('b');
    const second = c.flush();
    t.open();
    await turns();
    t.open();
    await Promise.all([first, second]);
    expect(t.sends.map((b) => b.lines.length)).toEqual([1, 1]);
    expect(c.stats()).toMatchObject({ sent: 2, buffered: 0 });
  });

  it('resolves at the deadline with what is pending, and never rejects when the transport throws', async () => {
    const clock = new ManualClock();
    const hanging: Transport = { send: () => new Promise(() => {}) };
    const c1 = new CloudSage({ transport: hanging, exitHooks: false, clock });
    c1.info('x');
    const p = c1.flush({ timeoutMs: 250 });
    await clock.advance(250);
    expect(await p).toEqual({ sent: 0, dropped: 0, pending: 1 });

    const throwing: Transport = {
      send: () => {
        throw new Error('boom');
      },
    };
    const c2 = new CloudSage({ transport: throwing, exitHooks: false, clock, onError: () => {} });
    c2.info('y');
    await expect(c2.flush()).resolves.toEqual({ sent: 0, dropped: 1, pending: 0 });
  });

  it('SharedRun runs the task once for callers that overlap and again afterwards', async () => {
    let runs = 0;
    let release!: () => void;
    const shared = new SharedRun(
      () =>
        new Promise<void>((r) => {
          runs++;
          release = r;
        }),
    );
    const a = shared.run();
    const b = shared.run();
    expect(a).toBe(b);
    await turns();
    release();
    await a;
    expect(runs).toBe(1);
    const c = shared.run();
    await turns();
    release();
    await c;
    expect(runs).toBe(2);
  });

  it('shutdown runs once and later logs are ignored', async () => {
    const t = new GatedTransport();
    const c = new CloudSage({ transport: t, exitHooks: false, clock: new ManualClock() });
    c.info('a');
    const s1 = c.shutdown();
    const s2 = c.shutdown();
    expect(s1).toBe(s2);
    await turns();
    t.open();
    expect(await s1).toEqual({ sent: 1, dropped: 0, pending: 0 });
    c.info('ignored');
    expect(c.stats().buffered).toBe(0);
  });
});
