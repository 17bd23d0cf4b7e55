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
import { count, effect, expectation, history, surprise } from './stats.js';
import type { Finding, Signal, SignalContext, SignalOutcome } from './types.js';

/** Windows of history before volume is judged: a new project has no "usual" rate. */
const MIN_WINDOWS = 3;
/**
 * A spike alone stays under "elevated": more logs is usually more traffic or a chatty batch job, not
 * an incident. It is still labelled when it is clear (its uncapped strength reads elevated).
 */
export const SPIKE_CAP = 0.28;
/** Below this usual rate (records/min) a drop is not told apart from noise. */
const MIN_RATE_FOR_DROP = 10;
/** Smallest relative spread of the rate. */
const MIN_REL_SIGMA = 0.02;
/** A window whose records mostly carry times from before it is a backfill: its volume is not traffic. */
const BACKFILL_SHARE = 0.5;
/** Records all within this many ms of each other are one burst (a paste, one upload), not a rate. */
const BURST_MS = 2000;
/** Fewest records for a window to be called a burst. */
const BURST_MIN = 20;

/**
 * The volume signal; see {@link Signal}. Uses the window's live total (records whose own time is not
 * far before the window), so a backfill or an uploaded file is neither a spike nor learned as usual; a
 * burst of records all stamped within two seconds (a paste) is not learned or called a spike either.
 */
export class VolumeSignal implements Signal {
  observe(): void {}

  evaluate(ctx: SignalContext): SignalOutcome {
    const live = Math.max(0, ctx.totalRecords - ctx.backfillRecords);
    // A source back from silence part-way through the window sent for that part only.
    const minutes = ctx.windowMinutes * ctx.coverage;
    const perMin = live / minutes;
    const signals = { records: ctx.totalRecords, volumePerMin: perMin, backfillRecords: ctx.backfillRecords };
    const backfill = ctx.totalRecords > 0 && ctx.backfillRecords / ctx.totalRecords > BACKFILL_SHARE;
    const burst = live >= BURST_MIN && ctx.liveSpanMs < BURST_MS;
    if (backfill || burst) return { signals, observations: {}, findings: [] };
    // A part of a minute is judged, not learned: the full minutes that follow teach the usual rate.
    const observations: Record<string, number> = ctx.coverage < 1 ? {} : { volumePerMin: perMin };
    const stat = ctx.stat('volumePerMin');
    if (stat === undefined || history(stat) < MIN_WINDOWS) return { signals, observations, findings: [] };
    const exp = expectation(stat, { center: 0, spread: 0, weight: 0 });
    const c = exp.center;
    const logRatio = Math.log((perMin + 1) / (c + 1));
    // Relative spread of the project's rate, floored (even a flat service varies a little), plus the
    // Poisson noise of the count, whose sd on the log scale is about 1 / sqrt(count).
    const poisson = 1 / (c * minutes + 1);
    const relSigma = Math.max(exp.sigma / Math.max(c, 1e-9), MIN_REL_SIGMA);
    const z = logRatio / Math.sqrt(relSigma ** 2 + poisson);
    const ratio = perMin / Math.max(c, 1e-9);
    const findings: Finding[] = [];
    // Statistical surprise times the size: 2.5x reads as little, 10x as much as a spike can.
    const strength = surprise(z) * effect((ratio - 1.5) / 2);
    const spike = SPIKE_CAP * strength;
    if (spike > 0) {
      findings.push({
        label: 'Volume Spike',
        signal: 'volumePerMin',
        risk: spike,
        strength,
        value: perMin,
        baseline: c,
        message: `${count(perMin)} records/min vs usual ${count(c)} (${ratio.toFixed(1)}x)`,
      });
    }
    if (c >= MIN_RATE_FOR_DROP && ratio < 1) {
      // 30% fewer reads as little, half as a clear drop, silence as an outage.
      const size = (1 - ratio) / 0.4;
      const drop = surprise(-z) * effect(size * size);
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
