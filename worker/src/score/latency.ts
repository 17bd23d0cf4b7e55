/**
 * Latency from the usual fields (pino-http `responseTime`, `duration`, `latency_ms`, `elapsed`,
 * `res.*`, OpenTelemetry `http.server.duration` in ms and `http.server.request.duration` in s), other
 * loggers' names for a duration (`field-names.ts`) and text such as `took 1532ms`. Compares the
 * window's p50, p90 and p95 with the project's usual.
 */
import type { LogRecord } from '@cloudsage/schema';
import { groupKey, MAX_GROUPS } from './error-rate.js';
import { groupOf } from './evidence.js';
import { durationValue, scanFields } from './field-names.js';
import { count, effect, expectation, history, plural, quantile, surprise } from './stats.js';
import type { Finding, RiskLabel, Signal, SignalContext, SignalOutcome } from './types.js';

// Field name -> multiplier to milliseconds. Checked in order; the first numeric one wins.
const FIELDS: ReadonlyArray<readonly [string, number]> = [
  ['responseTime', 1],
  ['response_time', 1],
  ['responseTimeMs', 1],
  ['response_time_ms', 1],
  ['latency_ms', 1],
  ['latencyMs', 1],
  ['duration_ms', 1],
  ['durationMs', 1],
  ['elapsed_ms', 1],
  ['elapsedMs', 1],
  ['duration', 1],
  ['elapsed', 1],
  ['latency', 1],
  ['took', 1],
  ['res.responseTime', 1],
  ['http.server.duration', 1],
  ['http.server.request.duration', 1000],
  ['http.client.request.duration', 1000],
  ['request_time', 1000],
];

// Bounded repetitions and no nested quantifiers: linear on any input.
const TEXT_LATENCY =
  /\b(?:took|in|after|duration|latency|elapsed|time|rt)[=: ]{0,2}(\d{1,9}(?:\.\d{1,6})?) ?(ms|s|us|µs)\b|\b[1-5]\d\d (\d{1,9}(?:\.\d{1,6})?) ?ms\b/i;

/** The latency a record carries, in ms, or NaN. */
export function latencyOf(record: LogRecord): number {
  const attrs = record.attributes;
  if (attrs !== undefined) {
    for (const [key, mult] of FIELDS) {
      const v = attrs[key];
      if (v !== undefined) {
        const n = durationValue(v, mult);
        if (n >= 0 && Number.isFinite(n)) return n;
      }
    }
    const res = attrs['res'];
    if (typeof res === 'object' && res !== null) {
      const n = durationValue(
        (res as Record<string, unknown>)['responseTime'] ?? (res as Record<string, unknown>)['duration'],
        1,
      );
      if (n >= 0 && Number.isFinite(n)) return n;
    }
    const scanned = scanFields(attrs).latencyMs;
    if (!Number.isNaN(scanned)) return scanned;
  }
  const msg = record.msg;
  // Cheap guard first: every text form below ends in `s` right after a digit or a space.
  if (msg.length > 2000 || (msg.indexOf('ms') < 0 && msg.indexOf('s') < 0)) return Number.NaN;
  const m = TEXT_LATENCY.exec(msg);
  if (m === null) return Number.NaN;
  if (m[3] !== undefined) return Number(m[3]);
  const v = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  return unit === 'ms' ? v : unit === 's' ? v * 1000 : v / 1000;
}

/** Fewest latency readings a window needs before its percentiles are judged. */
const MIN_SAMPLES = 8;
/**
 * Least sigma of a latency, in ms: a few ms of jitter (GC, a busy host) is not a spike however steady
 * the service was (lab: a 9 ms median at 16 ms scored 24 with a 2 ms floor).
 */
const MIN_SIGMA_MS = 5;
/**
 * How a percentile is judged: the least sigma as a share of its usual value, and the change that
 * reads as clear, both as a ratio and in time. The tail and the middle differ: a service's p95 moves
 * 2x from one minute to the next on its own (GC, a busy host: the lab's healthy gateway p95 ran
 * 35-145 ms on a loaded machine while its median stayed at 7-16 ms), so the tail needs a doubling and
 * +200 ms to read as a lot, while the median moving 1.6x and +50 ms means every other request waits.
 */
interface Scale {
  floor: number;
  ratioUnit: number;
  notableMs: number;
  /** Judged on the log of the value (the baseline keeps ln ms): a percentile whose spread grows with it. */
  log?: boolean;
  /** Fewest readings before this percentile is judged (a p99 of 40 readings is the slowest one). */
  minSamples?: number;
  /** Most risk this percentile carries alone. */
  maxRisk?: number;
}
const TAIL: Scale = { floor: 0.2, ratioUnit: Math.log(2), notableMs: 200 };
const MIDDLE: Scale = { floor: 0.1, ratioUnit: Math.log(1.6), notableMs: 50 };
/**
 * The p90 sits between, on a scale halfway (geometrically) between the two: a few slow requests (a GC
 * pause, a stalled host) lift the p95 and p99 and leave it, while a service that is slow itself (its
 * event loop busy, a lock) delays one request in ten or more. Lab (`eval:lab:minutes <rec> gateway`):
 * the gateway's event loop held 70 ms of every 100 took its p90 from 12-16 to 71-72 ms (lab-4) and from
 * 33-43 to 88-102 ms (lab-6) with the median steady; a loaded host's healthy minutes (lab-3) ran it at
 * 26-75 ms.
 */
const SHOULDER: Scale = { floor: 0.15, ratioUnit: Math.log(1.8), notableMs: 100 };
/**
 * The p99, the slowest one request in a hundred: a loop stalled a few ms in every hundred (a CPU hog,
 * long GC pauses) shows here first. It is heavy-tailed (a loaded host's healthy gateway ran its p99 at
 * 69-774 ms, lab-3), so it is judged on its logarithm, against the spread of that: a service whose p99
 * is steady notices a quadrupling, one whose p99 wanders does not. One request in a hundred is not an
 * incident however slow (the p90 and p95 say when more are): alone it reads low, at most 25, so it
 * ranks a window and corroborates, and never raises an alarm by itself.
 */
const P99: Scale = { ...TAIL, log: true, minSamples: 100, maxRisk: 0.25 };
/**
 * The percentiles judged, per service and for the project: baseline key, quantile, scale, name, and the
 * reading (in `signals`, ms) an explanation points at.
 */
const PERCENTILES: ReadonlyArray<readonly [string, number, Scale, string, string]> = [
  ['latencyP95Ms', 0.95, TAIL, 'p95', 'latencyP95Ms'],
  ['latencyP50Ms', 0.5, MIDDLE, 'median', 'latencyP50Ms'],
  ['latencyP90Ms', 0.9, SHOULDER, 'p90', 'latencyP90Ms'],
  ['latencyP99LnMs', 0.99, P99, 'p99', 'latencyP99Ms'],
];
/**
 * Most earlier windows a lasting slowdown counts (`judge`): a change that held for three windows is
 * established, and more of them do not make it worse.
 */
const MAX_RUN_WEIGHT = 2;
const LABEL: RiskLabel = 'Latency Spike';
/** Cold start: p95 above this many ms is notable for any service. */
const COLD_P95_MS = 1500;

/** The latency signal; see {@link Signal}. */
export class LatencySignal implements Signal {
  readonly #values: number[] = [];
  readonly #groups = new Map<string, number[]>();

  observe(record: LogRecord): void {
    const v = latencyOf(record);
    if (Number.isNaN(v)) return;
    this.#values.push(v);
    const name = groupOf(record);
    if (name === '') return;
    let g = this.#groups.get(name);
    if (g === undefined) {
      g = [];
      this.#groups.set(name, g);
    }
    g.push(v);
  }

  /**
   * Each percentile of `values` against its statistic (`key(signal)`), recorded in `observations`;
   * the strongest finding. `shift` lowers z when many services are judged (as for error rates).
   */
  #strongest(
    ctx: SignalContext,
    values: number[],
    observations: Record<string, number>,
    key: (signal: string) => string,
    shift: number,
    service?: string,
  ): Finding | undefined {
    const where = service === undefined ? '' : ` in ${service}`;
    // Slow for several windows running: the wait it costs grows with each (see `judge`).
    const ran = ctx.run(LABEL, service);
    const run = Math.min(ran, MAX_RUN_WEIGHT);
    const lasting = ran > 0 ? ` for ${plural(ran + 1, 'window')}` : '';
    let best: Finding | undefined;
    for (const [signal, q, scale, what, reading] of PERCENTILES) {
      if (values.length < (scale.minSamples ?? MIN_SAMPLES)) continue;
      const v = quantile(values, q);
      const k = key(signal);
      observations[k] = scale.log ? lnMs(v) : v;
      const stat = ctx.stat(k);
      // Also a percentile the baseline has not learned yet (one added after it was made) waits here.
      if (stat === undefined || history(stat) < 3) continue;
      const e = expectation(stat, { center: 0, spread: 0, weight: 0 });
      const risk = Math.min(judge(v, e, scale, shift, run), scale.maxRisk ?? 1);
      const usual = usualMs(e, scale);
      if (risk > (best?.risk ?? 0)) {
        best = mk(
          risk,
          v,
          usual,
          `${what} latency ${count(v)} ms${where} vs usual ${count(usual)} ms (${ratio(v, usual)})${lasting}`,
        );
        best.signal = reading;
        if (run > 0) best.startRisk = Math.min(judge(v, e, scale, shift), scale.maxRisk ?? 1);
      }
    }
    return best;
  }

  /**
   * Each service's percentiles against its own usual (one slow service among fast ones barely moves
   * the project's percentiles). Returns the strongest finding, naming the service, and records the
   * observations.
   */
  #byGroup(ctx: SignalContext, observations: Record<string, number>): Finding | undefined {
    const named = [...this.#groups].filter(([, v]) => v.length >= MIN_SAMPLES);
    if (this.#groups.size < 2 || named.length === 0) return undefined;
    named.sort((a, b) => b[1].length - a[1].length);
    if (named.length > MAX_GROUPS) named.length = MAX_GROUPS;
    const shift = 0.5 * Math.sqrt(2 * Math.log(Math.max(2, named.length)));
    let best: Finding | undefined;
    for (const [name, values] of named) {
      const f = this.#strongest(ctx, values, observations, (signal) => groupKey(signal, name), shift, name);
      if (f !== undefined && f.risk > (best?.risk ?? 0)) {
        best = f;
        best.service = name;
      }
    }
    return best;
  }

  evaluate(ctx: SignalContext): SignalOutcome {
    const n = this.#values.length;
    if (n < MIN_SAMPLES) return { signals: { latencySamples: n }, findings: [], observations: {} };
    const observations: Record<string, number> = {};
    let finding = this.#strongest(ctx, this.#values, observations, (signal) => signal, 0);
    const p95 = observations['latencyP95Ms']!;
    const signals = {
      latencySamples: n,
      latencyP50Ms: observations['latencyP50Ms']!,
      latencyP90Ms: observations['latencyP90Ms']!,
      latencyP95Ms: p95,
      latencyP99Ms: quantile(this.#values, 0.99),
    };
    const s95 = ctx.stat('latencyP95Ms');
    if (s95 === undefined || history(s95) < 3) {
      // Without history only an absolute p95 that is slow for any service counts, continuously.
      const risk = effect(p95 / COLD_P95_MS - 1);
      finding =
        risk > 0
          ? mk(risk, p95, undefined, `p95 latency ${count(p95)} ms over ${plural(n, 'request')} (no history yet)`)
          : undefined;
    }
    const group = this.#byGroup(ctx, observations);
    if (group !== undefined && group.risk > (finding?.risk ?? 0)) finding = group;
    return { signals, observations, findings: finding ? [finding] : [] };
  }
}

function ratio(a: number, b: number): string {
  return `${(a / Math.max(b, 1e-9)).toFixed(1)}x`;
}

/** The usual value of a percentile in ms (its baseline keeps ln ms when the scale is `log`). */
function usualMs(exp: { center: number }, scale: Scale): number {
  return scale.log ? Math.exp(exp.center) : exp.center;
}

/** ln of a latency in ms, floored at 1 ms (a 0 ms reading has no logarithm; 1 ms is as fast). */
function lnMs(ms: number): number {
  return Math.log(Math.max(ms, 1));
}

/**
 * Judges a percentile against its usual. `run`: windows in a row, before this one, that found the same
 * service slow; the time the change costs counts once per window it has lasted.
 */
function judge(value: number, exp: { center: number; sigma: number }, scale: Scale, zShift = 0, run = 0): number {
  const usual = usualMs(exp, scale);
  // A short history underestimates how much a percentile moves on its own: floor the sigma so a very
  // steady service still needs a real change (a share of the usual value, and MIN_SIGMA_MS of jitter;
  // on the log scale ln(1 + share) and ln(1 + MIN_SIGMA_MS / usual)).
  const sigma = scale.log
    ? Math.max(exp.sigma, Math.log1p(scale.floor), Math.log1p(MIN_SIGMA_MS / usual))
    : Math.max(exp.sigma, scale.floor * usual, MIN_SIGMA_MS);
  const z = ((scale.log ? lnMs(value) : value) - exp.center) / sigma;
  // No threshold: the surprise times the size of the change, which must be large both relatively
  // and in time: a p95 of 20 ms at 52 ms is 2.6x but no one waits for it.
  const ratio = value / Math.max(usual, 1);
  const relative = ratio > 1 ? Math.log(ratio) / scale.ratioUnit : 0;
  return surprise(z - zShift) * effect(Math.min(relative, ((value - usual) * (1 + run)) / scale.notableMs));
}

function mk(risk: number, value: number, baseline: number | undefined, message: string): Finding {
  const f: Finding = { label: LABEL, signal: 'latencyP95Ms', risk, value, message };
  if (baseline !== undefined) f.baseline = baseline;
  return f;
}
