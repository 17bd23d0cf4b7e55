/** Label facts: how often each label was given lately, and since when its current run goes. */

import type { FactPoint, LabelFact } from './facts.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A label's run is broken by a gap this long without it. */
const RUN_GAP_MS = 6 * HOUR_MS;

/** Label statistics over the last 7 days of points, with the latest explanation of each. */
export function labelFacts(
  points: readonly FactPoint[],
  latestMessage: ReadonlyMap<string, string>,
  now: number,
): LabelFact[] {
  const byLabel = new Map<string, number[]>();
  for (const p of points) {
    if (p.timestamp < now - 7 * DAY_MS) continue;
    for (const l of p.labels) {
      let ts = byLabel.get(l);
      if (!ts) {
        ts = [];
        byLabel.set(l, ts);
      }
      ts.push(p.timestamp);
    }
  }
  const out: LabelFact[] = [];
  for (const [label, ts] of byLabel) {
    ts.sort((a, b) => a - b);
    const lastSeen = ts[ts.length - 1]!;
    let since = lastSeen;
    for (let i = ts.length - 2; i >= 0 && since - ts[i]! <= RUN_GAP_MS; i--) since = ts[i]!;
    const last24h = ts.filter((t) => t >= now - DAY_MS).length;
    const fact: LabelFact = { label, last24h, previous6d: ts.length - last24h, since, lastSeen };
    const message = latestMessage.get(label);
    if (message) fact.message = message;
    out.push(fact);
  }
  return out.sort((a, b) => b.last24h - a.last24h || b.lastSeen - a.lastSeen || a.label.localeCompare(b.label));
}
