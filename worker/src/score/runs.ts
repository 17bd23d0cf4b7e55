/**
 * How long a finding has lasted. A change that holds for minutes is worth more than one that came and
 * went: an SRE's monitor asks for a breach "for N minutes", and the wait a slow service costs its users
 * grows with every minute it stays slow. The baseline keeps, for each label (and service), how many
 * windows in a row found it; a signal reads that run to weigh what it finds now.
 */
import { type Baseline, MAX_BASELINE_RUNS } from '@cloudsage/schema';
import { groupKey } from './error-rate.js';
import type { Finding } from './types.js';

/**
 * Least risk of a finding that starts or continues a run: a reading a monitor would notice (a p95 at 5x
 * its usual over part of a window, lab-4's CPU fault starting), not window-to-window noise (risk under
 * 0.1 is a z under ~3 or a change too small to matter).
 */
export const RUN_RISK = 0.1;

/** Longest run kept: past it a change is long-lasting, and its length says no more. */
const MAX_RUN = 60;

/** The key of a label's run: the label, or `label|service` for one service (clipped as stats are). */
export function runKey(label: string, service: string | undefined): string {
  return service === undefined || service === '' ? label : groupKey(label, service);
}

/**
 * The runs leading into this window: the baseline's, unless windows without records came between (the
 * run was broken by a silence).
 */
export function runsBefore(baseline: Baseline | undefined, silent: number): Readonly<Record<string, number>> {
  return silent > 0 ? {} : (baseline?.runs ?? {});
}

/**
 * The runs after this window: each label (and service) found at {@link RUN_RISK} or more continues its
 * run or starts one; every other run ends. A finding is judged on this window's evidence alone (its
 * `startRisk`), so a run cannot carry itself on. At most {@link MAX_BASELINE_RUNS}, the strongest kept.
 */
export function runsAfter(
  before: Readonly<Record<string, number>>,
  findings: readonly Finding[],
): Record<string, number> {
  const own = (f: Finding) => f.startRisk ?? f.risk;
  const found = findings.filter((f) => own(f) >= RUN_RISK).sort((a, b) => own(b) - own(a));
  const runs: Record<string, number> = {};
  let kept = 0;
  for (const f of found) {
    const key = runKey(f.label, f.service);
    if (runs[key] !== undefined) continue;
    runs[key] = Math.min(MAX_RUN, (before[key] ?? 0) + 1);
    if (++kept === MAX_BASELINE_RUNS) break;
  }
  return runs;
}
