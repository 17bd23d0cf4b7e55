/**
 * A lab fault's size, measured outside the scorer, in the fault's whole minutes against the healthy
 * minutes just before it. What it cost the clients (`clientImpact`, from the load generator's own
 * minutes, `clients` in a recording's labels: the p95 of the time to the whole answer and the share of
 * requests not served) says how big an incident the logs had to show, so a score that stays low can be
 * told apart from a fault that cost users little; what its service's logs show in the same minutes
 * (`logImpact`, their p95) says how much of it reached the logs.
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
 * Of `minutes` (in time order, each starting at `startOf`), the fault's whole minutes and the last few
 * healthy ones before it (none of `all` overlapping them; benign events count as healthy).
 */
function aroundFault<T>(
  minutes: readonly T[],
  startOf: (m: T) => number,
  fault: Fault,
  all: readonly Fault[],
): { during: T[]; before: T[] } {
  const from = Date.parse(fault.from);
  const to = Date.parse(fault.to);
  const healthy = (start: number) =>
    all.every((f) => f.benign === true || start + MINUTE <= Date.parse(f.from) || start >= Date.parse(f.to));
  return {
    during: minutes.filter((m) => startOf(m) >= from && startOf(m) + MINUTE <= to),
    before: minutes.filter((m) => startOf(m) + MINUTE <= from && healthy(startOf(m))).slice(-BEFORE_MINUTES),
  };
}

/** The median minute's value (quantile sorts the fresh list in place); null without one. */
function medianOf(values: readonly (number | null)[]): number | null {
  const xs = values.flatMap((v) => (v === null ? [] : [v]));
  return xs.length === 0 ? null : quantile(xs, 0.5);
}

function summary(minutes: readonly ClientMinute[]): { p95: number | null; notServed: number | null } {
  const asked = minutes.reduce((n, m) => n + m.requests + m.dropped, 0);
  const lost = minutes.reduce((n, m) => n + m.status5xx + m.failed + m.dropped, 0);
  return { p95: medianOf(minutes.map((m) => m.p95Ms)), notServed: asked === 0 ? null : lost / asked };
}

/** The clients' view of `fault`, against the healthy minutes before it. */
export function clientImpact(clients: readonly ClientMinute[], fault: Fault, all: readonly Fault[]): ClientImpact {
  const { during, before } = aroundFault(clients, (c) => Date.parse(c.minute), fault, all);
  const inFault = summary(during);
  const usual = summary(before);
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
  const minutes = [...p95ByMinute].sort((a, b) => a[0] - b[0]);
  const { during, before } = aroundFault(minutes, ([start]) => start, fault, all);
  const p95 = ([, ms]: [number, number | null]) => ms;
  return { usualP95Ms: medianOf(before.map(p95)), faultP95Ms: medianOf(during.map(p95)) };
}
