import fc from 'fast-check';
import { expect } from 'vitest';
import { prototypeIsClean, settledHeap } from './fuzz-app.js';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261125) });

/** Cases per target: the issue asks for at least 10,000 in CI; FUZZ_RUNS changes it for a longer hunt. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

/** Cases per target sent over a real socket (the bulk goes through `app.inject`, same handlers, no TCP). */
export const SOCKET_RUNS = Number(process.env.FUZZ_SOCKET_RUNS ?? 200);

// A request that takes this long is a hang: the slowest legitimate case here is a few ms.
const HANG_MS = 15_000;

// Heap a whole run may keep after a full GC: 10,000 cases keeping 3 KiB each would pass it.
export const HEAP_GROWTH_LIMIT = 32 * 1024 * 1024;

/** What one run of a target saw. */
export interface FuzzReport {
  runs: number;
  statuses: Record<number, number>;
  heapGrowthBytes: number;
  /** CPU time of this process over the run (generation, requests and handlers together). */
  cpuMs: number;
}

/**
 * Runs `check` on `runs` generated cases with the fixed seed, counting answer statuses, and
 * asserts what holds for every target: no case throws (so no 5xx, since `check` asserts that),
 * none hangs, Object.prototype is untouched, and the heap kept after a GC stays bounded.
 *
 * @example
 * const report = await fuzz(caseArb, async (c) => { const r = await send(c); expect(r.status).toBeLessThan(500); return r.status; });
 */
export async function fuzz<T>(
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => Promise<number>,
  runs = RUNS,
): Promise<FuzzReport> {
  const statuses: Record<number, number> = {};
  const before = settledHeap();
  const cpu = process.cpuUsage();
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      const status = await check(value);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }),
    { numRuns: runs, timeout: HANG_MS, endOnFailure: true },
  );
  const used = process.cpuUsage(cpu);
  const heapGrowthBytes = settledHeap() - before;
  expect(prototypeIsClean()).toBe(true);
  expect(heapGrowthBytes).toBeLessThan(HEAP_GROWTH_LIMIT);
  return { runs, statuses, heapGrowthBytes, cpuMs: (used.user + used.system) / 1000 };
}

/** One line for the test output and docs/reliability.md. */
export function describeReport(target: string, r: FuzzReport): string {
  const statuses = Object.entries(r.statuses)
    .map(([s, n]) => `${s}:${n}`)
    .join(' ');
  return `fuzz ${target}: ${r.runs} cases, statuses ${statuses}, heap kept ${(r.heapGrowthBytes / 1048576).toFixed(1)} MiB, CPU ${Math.round(r.cpuMs)} ms`;
}
