/**
 * Which windows are fault windows, healthy, or left out, from a recording's fault intervals.
 *
 * - A window is a fault window of kind K when it overlaps a (non-benign) fault of kind K by at least
 *   half a window (half the fault, for a fault shorter than half a window).
 * - A window that overlaps a fault by less than that is left out (neither clearly faulty nor healthy).
 * - Recovery: the `recovery` windows starting at or after a fault's end (that are no fault window
 *   themselves) are left out, since effects may spill past `to` (a restart, a backlog draining).
 * - Everything else is healthy, windows during benign faults included (they are noted as such).
 */
import type { Fault } from '../sets/labels.js';

/** The truth of one window. */
export interface WindowTruth {
  state: 'fault' | 'healthy' | 'excluded';
  /** Kinds of the faults it is a fault window of. */
  kinds: string[];
  /** Kinds of the benign events it overlaps (healthy windows only). */
  benign: string[];
}

/** Recovery windows left out after each fault, the rule printed with the report. */
export const RECOVERY_WINDOWS = 1;

/**
 * Labels each window start (ms) against the faults.
 *
 * @example
 * windowTruth([0, 60_000], 60_000, [{ kind: 'cpu', service: 'a', from: '1970-01-01T00:00:00Z', to: '1970-01-01T00:00:40Z' }]);
 * // [{ state: 'fault', kinds: ['cpu'], benign: [] }, { state: 'excluded', kinds: [], benign: [] }]
 */
export function windowTruth(
  starts: readonly number[],
  windowMs: number,
  faults: readonly Fault[],
  recovery = RECOVERY_WINDOWS,
): WindowTruth[] {
  const spans = faults.map((f) => ({ f, from: Date.parse(f.from), to: Date.parse(f.to) }));
  return starts.map((start) => {
    const end = start + windowMs;
    const kinds = new Set<string>();
    const benign = new Set<string>();
    let partial = false;
    for (const { f, from, to } of spans) {
      const overlap = Math.max(0, Math.min(end, to) - Math.max(start, from));
      if (f.benign) {
        if (overlap > 0) benign.add(f.kind);
        continue;
      }
      const needed = Math.min(windowMs, Math.max(1, to - from)) / 2;
      if (overlap >= needed && overlap > 0) kinds.add(f.kind);
      else if (overlap > 0 || (start >= to && start < to + recovery * windowMs)) partial = true;
    }
    if (kinds.size > 0) return { state: 'fault', kinds: [...kinds], benign: [] };
    if (partial) return { state: 'excluded', kinds: [], benign: [] };
    return { state: 'healthy', kinds: [], benign: [...benign] };
  });
}
