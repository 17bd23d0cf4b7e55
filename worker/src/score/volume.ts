/**
 * Volume against the project's usual rate, in records per minute (scaled back up when the dispatcher
 * sampled the window). A drop is a strong signal (a service that stops logging has usually stopped
 * working); a spike alone is often just traffic, so it is capped and only counts fully next to others.
 *
 * Traffic varies by a factor (time of day, a peak), not by a fixed amount, so the deviation is judged on
 * the log of the rate, with the project's relative spread (sigma / center, the delta method): a drop to a
 * tenth is then as far out as a tenfold peak, where on the linear scale a spread widened by doubling
 * peaks in the history would hide it.

 */
import { count, expectation, rise } from './stats.js';
import type { Finding, Signal, SignalContext, SignalOutcome } from './types.js';

/** Windows of history before volume is judged: a new project has no "usual" rate. */
const MIN_WINDOWS = 3;
/** A spike alone never reads above "elevated". */
const SPIKE_CAP = 0.6;
/** Below this usual rate (records/min) a drop is not told apart from noise. */
const MIN_RATE_FOR_DROP = 10;
/** Smallest relative spread of the rate. */
const MIN_REL_SIGMA = 0.02;

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
    const logRatio = Math.log((perMin + 1) / (c + 1));
    // Relative spread of the project's rate, floored (even a flat service varies a little), plus the
    // Poisson noise of the count, whose sd on the log scale is about 1 / sqrt(count).
    const poisson = 1 / (c * ctx.windowMinutes + 1);
    const relSigma = Math.max(exp.sigma / Math.max(c, 1e-9), MIN_REL_SIGMA);
    const z = logRatio / Math.sqrt(relSigma ** 2 + poisson);
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
