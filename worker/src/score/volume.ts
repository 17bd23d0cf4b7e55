/**
 * Volume against the project's usual rate, in records per minute (scaled back up when the dispatcher
 * sampled the window). A drop is a strong signal (a service that stops logging has usually stopped
 * working); a spike alone is often just traffic, so it is capped and only counts fully next to others.
 */
import { count, expectation, rise } from './stats.js';
import type { Finding, Signal, SignalContext, SignalOutcome } from './types.js';

/** Windows of history before volume is judged: a new project has no "usual" rate. */
const MIN_WINDOWS = 3;
/** A spike alone never reads above "elevated". */
const SPIKE_CAP = 0.6;
/** Below this usual rate (records/min) a drop is not told apart from noise. */
const MIN_RATE_FOR_DROP = 10;

/** The volume signal; see {@link Signal}. Uses the window's total, so it observes nothing itself. */
export class VolumeSignal implements Signal {
  observe(): void {}

  evaluate(ctx: SignalContext): SignalOutcome {
    const perMin = ctx.totalRecords / ctx.windowMinutes;
    const signals = { records: ctx.totalRecords, volumePerMin: perMin };
    const observations = { volumePerMin: perMin };
    const stat = ctx.stat('volumePerMin');
    if (stat === undefined || stat.n < MIN_WINDOWS) return { signals, observations, findings: [] };
    const exp = expectation(stat, { center: 0, spread: 0, weight: 0 });
    const c = exp.center;
    // Poisson noise of the count plus the project's own window-to-window spread, per minute.
    const sd = Math.sqrt(c / ctx.windowMinutes + exp.sigma ** 2 + 1);
    const z = (perMin - c) / sd;
    const ratio = perMin / Math.max(c, 1e-9);
    const findings: Finding[] = [];
    const spike = SPIKE_CAP * Math.min(rise(z, 4, 4), rise(ratio, 2, 3));
    if (spike > 0) {
      findings.push({
        label: 'Volume Spike',
        signal: 'volumePerMin',
        risk: spike,
        value: perMin,
        baseline: c,
        message: `${count(perMin)} records/min vs usual ${count(c)} (${ratio.toFixed(1)}x)`,
      });
    }
    if (c >= MIN_RATE_FOR_DROP) {
      const drop = Math.min(rise(-z, 4, 3), rise(1 - ratio, 0.4, 0.2));
      if (drop > 0) {
        findings.push({
          label: 'Volume Drop',
          signal: 'volumePerMin',
          risk: drop,
          value: perMin,
          baseline: c,
          message: `${count(perMin)} records/min vs usual ${count(c)} (${Math.round((1 - ratio) * 100)}% fewer)`,
        });
      }
    }
    return { signals, observations, findings };
  }
}
