/**
 * What a fault cost the lab's clients, from the load generator's own minutes (`clients` in a
 * recording's labels): the p95 of the time to the whole answer and the share of requests not served,
 * in the fault's whole minutes against the healthy minutes just before it. Measured without the logs,
 * it says how big an incident the logs had to show, so a score that stays low can be told apart from a
 * fault that cost users little. The same minutes of the logs (the fault's service's p95, `logImpact`)
 * say how much of it the logs show.
 */
import { quantile } from '../../src/score/stats.js';
import type { ClientMinute } from '../lab/client-minutes.js';
import type { Fault } from '../sets/labels.js';

const MINUTE = 60_000;
/** Healthy minutes before a fault that set what clients usually met. */
const BEFORE_MINUTES = 3;

/** A fault's cost to the clients; null where no whole minute was measured. */
export interface ClientImpact {
  usualP95Ms: number | null;
  faultP95Ms: number | null;
  /** Share of requests answered 5xx, not answered, or never sent, in the fault's whole minutes. */
  notServed: number | null;
  usualNotServed: number | null;
}

/** The p95 the logs show in the same minutes; null where a minute had no readings. */
export interface LogImpact {
  usualP95Ms: number | null;
  faultP95Ms: number | null;
}

/**
 * Of the minutes starting at `starts`, the fault's whole minutes and the last few healthy ones before it
 * (none of `all` overlapping them; benign events count as healthy), as indices.
 */
function aroundFault(
  starts: readonly number[],
  fault: Fault,
  all: readonly Fault[],
): { during: number[]; before: number[] } {
  const from = Date.parse(fault.from);
  const to = Date.parse(fault.to);
  const healthy = (start: number) =>
    all.every((f) => f.benign === true || start + MINUTE <= Date.parse(f.from) || start >= Date.parse(f.to));
  const idx = starts.map((_, i) => i);
  return {
    during: idx.filter((i) => starts[i]! >= from && starts[i]! + MINUTE <= to),
    before: idx.filter((i) => starts[i]! + MINUTE <= from && healthy(starts[i]!)).slice(-BEFORE_MINUTES),
  };
}

/** The median minute's value (quantile sorts the fresh list in place); null without one. */
function medianOf(values: readonly (number | null)[]): number | null {
  const xs = values.flatMap((v) => (v === null ? [] : [v]));
  return xs.length === 0 ? null : quantile(xs, 0.5);
}

function summary(minutes: ClientMinute[]): { p95: number | null; notServed: number | null } {
  const asked = minutes.reduce((n, m) => n + m.requests + m.dropped, 0);
  const lost = minutes.reduce((n, m) => n + m.status5xx + m.failed + m.dropped, 0);
  return { p95: medianOf(minutes.map((m) => m.p95Ms)), notServed: asked === 0 ? null : lost / asked };
}

/** The clients' view of `fault`, against the healthy minutes before it. */
export function clientImpact(clients: readonly ClientMinute[], fault: Fault, all: readonly Fault[]): ClientImpact {
  const { during, before } = aroundFault(
    clients.map((c) => Date.parse(c.minute)),
    fault,
    all,
  );
  const inFault = summary(during.map((i) => clients[i]!));
  const usual = summary(before.map((i) => clients[i]!));
  return {
    usualP95Ms: usual.p95,
    faultP95Ms: inFault.p95,
    notServed: inFault.notServed,
    usualNotServed: usual.notServed,
  };
}

/**
 * The logs' view of `fault` in the same minutes: the median minute's p95 of `p95ByMinute` (minute start
 * -> the fault's service's p95 that minute, null without readings).
 */
export function logImpact(
  p95ByMinute: ReadonlyMap<number, number | null>,
  fault: Fault,
  all: readonly Fault[],
): LogImpact {
  const starts = [...p95ByMinute.keys()].sort((a, b) => a - b);
  const { during, before } = aroundFault(starts, fault, all);
  const at = (i: number) => p95ByMinute.get(starts[i]!) ?? null;
  return { usualP95Ms: medianOf(before.map(at)), faultP95Ms: medianOf(during.map(at)) };
}
