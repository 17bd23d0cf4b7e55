/**
 * What a fault cost the lab's clients, from the load generator's own minutes (`clients` in a
 * recording's labels): the p95 of the time to the whole answer and the share of requests not served,
 * in the fault's whole minutes against the healthy minutes just before it. Measured without the logs,
 * it says how big an incident the logs had to show, so a score that stays low can be told apart from a
 * fault that cost users little.
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

function summary(minutes: ClientMinute[]): { p95: number | null; notServed: number | null } {
  const asked = minutes.reduce((n, m) => n + m.requests + m.dropped, 0);
  const lost = minutes.reduce((n, m) => n + m.status5xx + m.failed + m.dropped, 0);
  const p95s = minutes.flatMap((m) => (m.p95Ms === null ? [] : [m.p95Ms]));
  return {
    // The median minute's p95 (quantile sorts the fresh list in place).
    p95: p95s.length === 0 ? null : quantile(p95s, 0.5),
    notServed: asked === 0 ? null : lost / asked,
  };
}

/** The clients' view of `fault`, against the healthy minutes before it (none of `all` overlapping them). */
export function clientImpact(clients: readonly ClientMinute[], fault: Fault, all: readonly Fault[]): ClientImpact {
  const from = Date.parse(fault.from);
  const to = Date.parse(fault.to);
  const starts = clients.map((c) => Date.parse(c.minute));
  const inFault = clients.filter((_, i) => starts[i]! >= from && starts[i]! + MINUTE <= to);
  const healthy = (start: number) =>
    all.every((f) => f.benign === true || start + MINUTE <= Date.parse(f.from) || start >= Date.parse(f.to));
  const before = clients.filter((_, i) => starts[i]! + MINUTE <= from && healthy(starts[i]!)).slice(-BEFORE_MINUTES);
  const during = summary(inFault);
  const usual = summary(before);
  return {
    usualP95Ms: usual.p95,
    faultP95Ms: during.p95,
    notServed: during.notServed,
    usualNotServed: usual.notServed,
  };
}
