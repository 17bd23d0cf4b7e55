/**
 * Error rate against the usual rate, for the whole project and for each service (or host) against its
 * own baseline, so one service going bad among many healthy ones is seen and named.
 *
 * Counted as errors: error/fatal records; 5xx responses logged below error level (pino-http at info,
 * OpenTelemetry status fields); and lines whose text shows a failure (a 5xx access line, a timeout, a
 * refused connection, an exception class, Node's crash output; see evidence.ts). Each record once.
 *
 * The judgement has no threshold: the surprise of k errors where the baseline expects lambda (a
 * Poisson deviance z, widened by the project's own window-to-window spread) times the size of the
 * change in practice (ratio and excess of the rate, shrunk toward the expected rate while counts are
 * small). One error more is always a little more risk, and a clean window always scores below one
 * with errors; noise stays far below "elevated".
 */
import type { LogRecord, RobustStat } from '@cloudsage/schema';
import { EVIDENCE, evidenceNames, groupOf, textEvidence } from './evidence.js';
import { scanFields, statusValue } from './field-names.js';
import {
  count,
  type Expectation,
  effect,
  expectation,
  history,
  learnedInAlarm,
  MIN_EXPECTED_COUNT,
  type Prior,
  pct,
  plural,
  poissonZ,
  SIGMA_PER_SPREAD,
  surprise,
} from './stats.js';
import type { Finding, Signal, SignalContext, SignalOutcome } from './types.js';

/**
 * Cold-start prior: a typical healthy service logs about 1% errors, and services differ by about as
 * much again (sigma ~1%, widened while the history is short), so without history 5% errors read low, 10%
 * elevated, 20% high. It counts
 * as 3 windows of history.
 */
export const PRIOR = { center: 0.01, spread: 0.008, weight: 3 };
/** Pseudo-records of the expected rate added to a window's count (shrinkage for small windows). */
const SHRINK_RECORDS = 20;
/** Most risk that errors at their usual count carry (they still rank a window above a clean one). */
const PRESENCE = 0.02;
/** Services (or hosts) judged on their own; the smallest beyond these only count in the total. */
export const MAX_GROUPS = 16;
/** Longest baseline key (the schema's limit). */
const MAX_KEY = 64;

/** The baseline key of a group's error rate. */
export function groupKey(signal: string, group: string): string {
  const key = `${signal}|${group}`;
  return key.length <= MAX_KEY ? key : key.slice(0, MAX_KEY);
}

/**
 * The HTTP status of a record, from the fields pino-http, OpenTelemetry and access logs use, else
 * other loggers' (`field-names.ts`).
 */
export function statusOf(attrs: Record<string, unknown> | undefined): number {
  if (attrs === undefined) return 0;
  const v =
    attrs['statusCode'] ??
    attrs['status'] ??
    attrs['http.status_code'] ??
    attrs['http.response.status_code'] ??
    (attrs['res'] as { statusCode?: unknown } | undefined)?.statusCode;
  const n = statusValue(v);
  return n !== 0 ? n : scanFields(attrs).status;
}

interface Tally {
  total: number;
  errors: number;
}

/** What a rate judgement came to. */
interface Judged {
  risk: number;
  rate: number;
  exp: Expectation;
}

/**
 * Judges `errors` of `total` against an expectation. `usualTotal` is the usual records per window, to
 * tell the project's real rate spread from the Poisson noise already in it; `zShift` asks for more
 * evidence when several groups are tested at once.
 */
export function judgeRate(errors: number, total: number, exp: Expectation, usualTotal: number, zShift = 0): Judged {
  const n = Math.max(total, 1);
  const p0 = Math.max(exp.center, 1e-5);
  const lambda = p0 * n;
  // The spread of past rates holds Poisson noise of its windows' sizes; the rest is real variation.
  const poissonVar = p0 / Math.max(usualTotal, 1);
  const extraRateVar = Math.max(exp.sigma * exp.sigma - poissonVar, 0.1 * exp.sigma * exp.sigma);
  // One line is not proof (MIN_EXPECTED_COUNT): a single error reads low however few lines it came with.
  const z = poissonZ(errors, Math.max(lambda, MIN_EXPECTED_COUNT), extraRateVar * n * n);
  const shrunk = (errors + p0 * SHRINK_RECORDS) / (n + SHRINK_RECORDS);
  // Worth a look: the rate 3x its usual (after a small floor), or 2 points above it plus its usual
  // (a service that always fails 9% of its calls needs 11 more points, not 2).
  const ratio = (shrunk + 0.002) / (p0 + 0.002);
  const size = effect(Math.max(Math.log(ratio) / Math.log(3), (shrunk - p0) / (0.02 + p0)));
  // Errors at or under the usual count still rank above none, by a hair (at most 2 points): a window
  // with errors never ties a clean one.
  const presence = PRESENCE * (1 - Math.exp(-errors / Math.max(lambda, 1)));
  return { risk: Math.max(surprise(z - zShift) * size, presence), rate: errors / n, exp };
}

/** Degrees of freedom of the group prior's heavy tail (a Student-t: 1 would be Cauchy). */
const GROUP_PRIOR_DF = 2;

/**
 * The prior of one service's (or host's) rate: the project's own rate, worth 3 windows. Borrowed from the
 * whole project, it is heavy-tailed (a robust prior): where the group's own history already sits far from
 * it, beyond what that history's spread and length explain, the prior gives way by the Student-t weight
 * (df + 1) / (df + z^2). Services differ by design (one that fails 8% of its lookups on a stale cache
 * key beside three that fail 0.2%), and a prior that drags such a service's usual down to the project's
 * 1.6% makes its ordinary minutes look like a tripling. A history learned mostly in alarm does not
 * contradict the prior: onboarding in an incident still leans on it.
 */
export function groupPrior(stat: RobustStat | undefined, project: Expectation): Prior {
  const spread = Math.max(project.sigma / SIGMA_PER_SPREAD, 0.004);
  const n = history(stat);
  let weight = 3;
  if (stat !== undefined && n > 0 && !learnedInAlarm(stat)) {
    const ownVar = (SIGMA_PER_SPREAD * stat.spread) ** 2 / n;
    const z2 = (stat.center - project.center) ** 2 / ((SIGMA_PER_SPREAD * spread) ** 2 + ownVar);
    weight *= Math.min(1, (GROUP_PRIOR_DF + 1) / (GROUP_PRIOR_DF + z2));
  }
  return { center: project.center, spread, weight };
}

/** The error-rate signal; see {@link Signal}. */
export class ErrorRateSignal implements Signal {
  #errors = 0;
  #fatal = 0;
  #serverErrors = 0;
  #textErrors = 0;
  #textBits = 0;
  readonly #groups = new Map<string, Tally>();
  #lastGroup = '';
  #last: Tally | undefined;

  observe(record: LogRecord, levelRank: number, weight: number): void {
    const name = groupOf(record);
    let g = this.#last;
    if (g === undefined || name !== this.#lastGroup) {
      g = this.#groups.get(name);
      if (g === undefined) {
        g = { total: 0, errors: 0 };
        this.#groups.set(name, g);
      }
      this.#lastGroup = name;
      this.#last = g;
    }
    g.total += weight;
    if (levelRank >= 50) {
      this.#errors += weight;
      g.errors += weight;
      if (levelRank >= 60) this.#fatal += weight;
    } else if (record.attributes !== undefined && statusOf(record.attributes) >= 500) {
      this.#serverErrors += weight;
      g.errors += weight;
    } else {
      // A timeout alone is evidence in a warning; at info it is as often a routine note ("session
      // expired, timeout of 10000ms exceeded") as a failure.
      const found = textEvidence(record.msg);
      const bits = levelRank >= 40 ? found : found & ~EVIDENCE.timeout;
      if (bits !== 0) {
        this.#textErrors += weight;
        this.#textBits |= bits;
        g.errors += weight;
      }
    }
  }

  evaluate(ctx: SignalContext): SignalOutcome {
    const total = Math.max(ctx.totalRecords, 1);
    const errors = this.#errors + this.#serverErrors + this.#textErrors;
    const usualStat = ctx.stat('volumePerMin');
    const usualTotal = usualStat !== undefined ? usualStat.center * ctx.windowMinutes : total;
    const exp = expectation(ctx.stat('errorRate'), PRIOR);
    const all = judgeRate(errors, total, exp, usualTotal);
    const signals: Record<string, number> = {
      errorRate: all.rate,
      errorCount: errors,
      fatalCount: this.#fatal,
      serverErrorResponses: this.#serverErrors,
      textErrorLines: this.#textErrors,
    };
    const observations: Record<string, number> = { errorRate: all.rate };
    const sampleSizes: Record<string, number> = { errorRate: total };
    const read =
      this.#textErrors > 0
        ? `, ${count(this.#textErrors)} read from text: ${evidenceNames(this.#textBits).join(', ')}`
        : '';
    const usual = (e: Expectation) =>
      e.n >= 1 ? `usual ${pct(e.center)}` : `a typical ${pct(PRIOR.center)} (no history yet)`;
    let best: Finding | undefined;
    if (all.risk > 0) {
      best = {
        label: 'High Error Rate',
        signal: 'errorRate',
        risk: all.risk,
        value: all.rate,
        baseline: exp.center,
        message: `error rate ${pct(all.rate)} (${count(errors)} of ${plural(total, 'line')}${read}) vs ${usual(exp)}`,
      };
    }
    const named = [...this.#groups].filter(([name]) => name !== '');
    if (named.length >= 2) {
      named.sort((a, b) => b[1].total - a[1].total);
      if (named.length > MAX_GROUPS) named.length = MAX_GROUPS;
      // Several groups are several tests: ask a little more of each (a Bonferroni-like shift of z).
      const penalty = 0.5 * Math.sqrt(2 * Math.log(named.length));
      for (const [name, g] of named) {
        const key = groupKey('errorRate', name);
        const stat: RobustStat | undefined = ctx.stat(key);
        const gExp = expectation(stat, groupPrior(stat, exp));
        const usualG = history(stat) > 0 ? (usualTotal * g.total) / total : g.total;
        const j = judgeRate(g.errors, g.total, gExp, usualG, penalty);
        observations[key] = j.rate;
        sampleSizes[key] = g.total;
        const risk = j.risk;
        if (risk > (best?.risk ?? 0) + 1e-9) {
          best = {
            label: 'High Error Rate',
            signal: 'errorRate',
            risk,
            value: j.rate,
            baseline: gExp.center,
            service: name,
            message: `error rate ${pct(j.rate)} in ${name} (${count(g.errors)} of ${plural(g.total, 'line')}) vs ${usual(gExp)}`,
          };
        }
      }
    }
    return { signals, observations, sampleSizes, findings: best !== undefined ? [best] : [] };
  }
}
