/**
 * Volume against the project's usual rate, in records per minute (scaled back up when the dispatcher
 * sampled the window). A drop is a strong signal (a service that stops logging has usually stopped
 * working); a spike alone is often just traffic, so it is capped and only counts fully next to others.
 *
 * Traffic varies by a factor (time of day, a peak), not by a fixed amount, so the deviation is judged
 * on the log of the rate (`volumeLogPerMin`): a few doubling peaks in the history then do not inflate the
 * spread so much that a drop to a tenth hides inside it, as they do on the linear scale.
 */
import { count, expectation, rise } from './stats.js';
import type { Finding, Signal, SignalContext, SignalOutcome } from './types.js';

/** Windows of history before volume is judged: a new project has no "usual" rate. */
const MIN_WINDOWS = 3;
/** A spike alone never reads above "elevated". */
const SPIKE_CAP = 0.6;
/** Below this usual rate (records/min) a drop is not told apart from noise. */
const MIN_RATE_FOR_DROP = 10;
/** Smallest sigma of the log rate: even a flat service varies by a few percent. */
const MIN_LOG_SIGMA = 0.05;

/** The volume signal; see {@link Signal}. Uses the window's total, so it observes nothing itself. */
export class VolumeSignal implements Signal {
  observe(): void {}

  evaluate(ctx: SignalContext): SignalOutcome {
    const perMin = ctx.totalRecords / ctx.windowMinutes;
    const logRate = Math.log1p(perMin);
    const signals = { records: ctx.totalRecords, volumePerMin: perMin };
    const observations = { volumePerMin: perMin, volumeLogPerMin: logRate };
    const stat = ctx.stat('volumePerMin');
    if (stat === undefined || stat.n < MIN_WINDOWS) return { signals, observations, findings: [] };
    const c = expectation(stat, { center: 0, spread: 0, weight: 0 }).center;
    const z = zScore(ctx, perMin, logRate, c);
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

/**
 * The window's deviation in sigmas: on the log scale when the baseline has it, else (a baseline from
 * before it was kept) on the linear scale. Both include the Poisson noise of the count.
 */
function zScore(ctx: SignalContext, perMin: number, logRate: number, center: number): number {
  const logStat = ctx.stat('volumeLogPerMin');
  if (logStat !== undefined && logStat.n >= MIN_WINDOWS) {
    const e = expectation(logStat, { center: 0, spread: 0, weight: 0 });
    // Poisson sd of log(count) is about 1/sqrt(count).
    const poisson = 1 / Math.sqrt(center * ctx.windowMinutes + 1);
    const sd = Math.sqrt(Math.max(e.sigma, MIN_LOG_SIGMA) ** 2 + poisson ** 2);
    return (logRate - e.center) / sd;
  }
  const e = expectation(ctx.stat('volumePerMin'), { center: 0, spread: 0, weight: 0 });
  const sd = Math.sqrt(center / ctx.windowMinutes + e.sigma ** 2 + 1);
  return (perMin - center) / sd;
}
