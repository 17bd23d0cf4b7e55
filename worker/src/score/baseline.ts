/**
 * The project's baseline after a window: robust running statistics per signal and the template table.
 *
 * Each statistic is an EWMA of the value whose upward steps are clipped (a Huber update): one outlying
 * window moves the center by at most 3 sigmas times the learning rate, and the spread is an EWMA of the
 * clipped absolute deviation. Windows teach with a weight that falls with their score (from the first
 * window on), so an incident does not teach the baseline that it is normal; steps toward health are
 * learned fast, so a baseline founded in a bad period recovers; a lasting change is still learned.
 */
import {
  BASELINE_VERSION,
  type Baseline,
  MAX_BASELINE_TEMPLATES,
  type RobustStat,
  type Template,
} from '@cloudsage/schema';
import { TEMPLATE_HISTORY_WINDOWS } from './patterns.js';
import { history, learnedInAlarm, SIGMA_PER_SPREAD } from './stats.js';
import type { WindowTemplate } from './types.js';

/** Slowest learning rate; the first windows learn faster (weight / (history + weight)) until they reach it. */
export const MIN_ALPHA = 0.05;
/** Learning rate of a template's per-window rate. */
const TEMPLATE_ALPHA = 0.1;
/** Least a window teaches, however high it scored: a lasting change is still learned, slowly. */
export const MIN_WEIGHT = 0.05;
/** Least weight of a step toward the healthy side (the window was healthy in this signal at least). */
const RECOVERY_WEIGHT = 0.5;
/** Learning rate of a step far (over 3 sigmas) below the center: the way back from a bad period. */
const FAR_RECOVERY_ALPHA = 0.5;
/**
 * Steps up are clipped at this many sigmas. Wider than the textbook 1.5-3 because counts are skewed
 * (a rate of 0.3% is mostly windows of 0 errors and the odd 3): a tight clip would settle near the
 * median and call the usual odd window an incident. Incidents are kept out by the score weight.
 */
const CLIP = 5;
/** Effective windows after which a statistic's center is trusted over a far lower window. */
const SETTLED_WINDOWS = 10;
/** Windows of history before steps are clipped (before them there is no spread to clip by). */
const YOUNG_WINDOWS = 3;

/**
 * How much a window teaches the baseline, from its score: 1 up to 30 (normal noise teaches fully, else
 * the center would sit below the usual value), then falling as ((100 - score) / 70)^3 (45 -> 0.49,
 * 60 -> 0.19, 75 -> 0.05), never under 0.05. There are
 * no full-weight learning windows: a project onboarded during an incident learns the incident at a
 * twentieth of a window each, and the first healthy stretch relearns (see {@link updateStat}).
 */
export function updateWeight(score: number): number {
  if (score <= 30) return 1;
  const f = (100 - score) / 70;
  return Math.max(MIN_WEIGHT, f * f * f);
}

/**
 * Folds one value into a robust statistic with the window's weight.
 *
 * A step up is clipped to 3 sigmas (a Huber step), so one outlying window moves the center little. For
 * a signal where higher is worse (`symmetric` false: error rates, latency, crashes), a step down is a
 * move toward health: it teaches with at least half weight, and one far below the center (over 3
 * sigmas) halves the gap and the spread, so a baseline learned from a bad period (a project onboarded
 * mid-incident) comes back within a few healthy windows.
 *
 * `lines`: for a share of lines (an error rate), how many lines this window's value was measured over.
 * A rate's own sampling noise (a Poisson sigma, sqrt(center / lines)) is then the least scale a step is
 * clipped and judged by: without it a young rate whose spread was just dropped (a start-up minute
 * ended) could climb by a hundredth of a percent a window, and its usual minutes read as alarms.
 *
 * @example
 * let s = updateStat(undefined, 0.01, 1); // { center: 0.01, spread: 0, n: 1, w: 1 }
 * s = updateStat(s, 0.5, 1); // the outlier moves the center by a clipped step only
 */
export function updateStat(
  prev: RobustStat | undefined,
  x: number,
  weight: number,
  symmetric = false,
  lines?: number,
): RobustStat {
  if (!Number.isFinite(x)) return prev ?? { center: 0, spread: 0, n: 0, w: 0 };
  const h = history(prev);
  if (prev === undefined || h === 0) return { center: x, spread: 0, n: (prev?.n ?? 0) + 1, w: weight };
  const down = !symmetric && x < prev.center;
  const wt = down ? Math.max(weight, RECOVERY_WEIGHT) : weight;
  let alpha = Math.max(wt / (h + wt), MIN_ALPHA * wt);
  // The floor lets a signal that was flat (spread 0) still learn a lasting change; a rate's sampling
  // noise is a floor too (a rate of 0.3% over 560 lines moves by 0.2% between identical minutes).
  const noise = lines !== undefined && lines > 0 && prev.center > 0 ? Math.sqrt(prev.center / lines) : 0;
  const scale = Math.max(SIGMA_PER_SPREAD * prev.spread, 0.02 * Math.abs(prev.center), 1e-4, noise);
  const dev = x - prev.center;
  // Far below the center is where a baseline learned from a bad period finds itself: halve the gap,
  // and forget that period's spread too (the healthy windows to come set it again). Only a statistic
  // learned from few windows (a first minute of start-up errors) or mostly from down-weighted ones is
  // suspect: a long-learned bursty one (0% errors one minute, 30% the next) must keep its mean, not
  // collapse to its quiet minutes.
  const suspect = learnedInAlarm(prev) || h < SETTLED_WINDOWS;
  const far = down && suspect && dev < -3 * scale;
  if (far) alpha = Math.max(alpha, FAR_RECOVERY_ALPHA);
  // Clipping needs a scale, and the first windows have none yet: they are taken as they come, unless
  // they scored high (an incident in the first minutes still moves the center by a clipped step).
  const young = h < YOUNG_WINDOWS && weight >= 0.5;
  // While young, a lower value replaces the center: a service's first minutes (start-up, JIT, cold
  // caches and pools) are its worst, and should not set what "usual" means.
  if (down && young) alpha = 1;
  // A young statistic has no spread to clip by; its own magnitude bounds a step up instead (at most
  // doubling), so one bad early minute does not set a wide spread that hides the next incident. Less
  // than one window behind the center (a project's first, partial minute: start-up, a few hundred
  // lines, often no error yet) bounds nothing: doubling a center of 0 would let a service that always
  // fails 2% of its calls crawl up from 0.01% for ten windows, each of them an alarm.
  const upLimit = young && !symmetric ? (h < 1 ? Infinity : Math.max(Math.abs(prev.center), scale)) : CLIP * scale;
  const clipped = young && (symmetric || down) ? dev : Math.max(down ? dev : -CLIP * scale, Math.min(upLimit, dev));
  const center = prev.center + alpha * clipped;
  // A young drop is the start-up ending, not the statistic's usual variation: like a far drop, it takes
  // the spread of what came before with it (a first minute's 1.9 s p95 set a 200 ms sigma that hid a
  // 5x median ten windows later).
  const spread =
    far || (down && young)
      ? (1 - alpha) * prev.spread
      : prev.spread + alpha * (Math.min(Math.abs(dev), young && symmetric ? Math.abs(dev) : upLimit) - prev.spread);
  return { center, spread: Math.max(0, spread), n: prev.n + 1, w: h + wt };
}

/** The schema keeps at most 64 characters of a template's service. */
function clipService(s: string): string {
  return s.length <= 64 ? s : s.slice(0, 64);
}

/**
 * Merges the window's templates into the table; least recently seen go first past the cap.
 * `established`: the project has a template history, so a template it never logged had a rate of 0 in
 * every window so far, and its first window is one step of the average from 0 (a fault's new error,
 * seen 4 times, is then expected ~0.1 times next minute, not 4, and its growth still reads as a spike).
 * Before that, every template is new and its first count is taken as its rate.
 */
export function updateTemplates(
  templates: readonly WindowTemplate[],
  at: string,
  weight: number,
  established = false,
): Template[] {
  const alpha = TEMPLATE_ALPHA * weight;
  const out: Template[] = [];
  for (const t of templates) {
    const k = t.windowCount;
    const known = t.known;
    if (known !== undefined) {
      const prevRate = known.rate ?? 0;
      const rate = prevRate + alpha * (k - prevRate);
      const spread = (known.spread ?? 0) + alpha * (Math.abs(k - prevRate) - (known.spread ?? 0));
      const next: Template = {
        ...known,
        pattern: t.pattern,
        count: known.count + k,
        rate: Math.max(0, rate),
        spread: Math.max(0, spread),
      };
      if (k > 0) {
        next.lastSeen = at;
        next.level = t.level;
        if (t.service !== undefined) next.service = clipService(t.service);
      }
      out.push(next);
    } else if (k > 0) {
      // A template first seen in an incident starts with a low rate, so it still spikes next window.
      const created: Template = {
        id: t.id,
        pattern: t.pattern,
        count: k,
        firstSeen: at,
        lastSeen: at,
        level: t.level,
        rate: established ? alpha * k : k * weight,
      };
      if (t.service !== undefined) created.service = clipService(t.service);
      out.push(created);
    }
  }
  if (out.length > MAX_BASELINE_TEMPLATES) {
    out.sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : b.count - a.count));
    out.length = MAX_BASELINE_TEMPLATES;
  }
  return out;
}

/** Most per-service statistics kept (`errorRate|orders`, ...); the least recently updated go first. */
export const MAX_GROUP_STATS = 128;

/**
 * Keeps the per-service statistics bounded: hosts come and go (a pod name per deploy), and each left a
 * statistic behind. Those updated longest ago are dropped past {@link MAX_GROUP_STATS}.
 */
function evictGroupStats(signals: Record<string, RobustStat>): void {
  const keys = Object.keys(signals).filter((k) => k.includes('|'));
  if (keys.length <= MAX_GROUP_STATS) return;
  keys.sort((a, b) => (signals[a]!.last ?? 0) - (signals[b]!.last ?? 0));
  for (const k of keys.slice(0, keys.length - MAX_GROUP_STATS)) delete signals[k];
}

/** Signals judged both ways (a drop is as bad as a rise), so neither direction is the healthy one. */
function isSymmetric(name: string): boolean {
  return name.startsWith('volumePerMin');
}

/** The next baseline: every observation folded in with the window's weight, templates merged. */
export function updateBaseline(
  prev: Baseline | undefined,
  observations: Record<string, number>,
  templates: readonly WindowTemplate[],
  score: number,
  at: string,
  options: { evidence?: number; runs?: Record<string, number>; sampleSizes?: Record<string, number> } = {},
): Baseline {
  // `evidence`: the share of a window the observations stand for (a project's first, partial minute);
  // `runs`: how long each finding has lasted (runs.ts); `sampleSizes`: the lines each rate was
  // measured over (see updateStat).
  const weight = updateWeight(score) * (options.evidence ?? 1);
  const windows = (prev?.windows ?? 0) + 1;
  const signals: Record<string, RobustStat> = { ...(prev?.signals ?? {}) };
  for (const [name, x] of Object.entries(observations)) {
    const next = updateStat(signals[name], x, weight, isSymmetric(name), options.sampleSizes?.[name]);
    if (name.includes('|')) next.last = windows;
    signals[name] = next;
  }
  evictGroupStats(signals);
  const next: Baseline = {
    version: BASELINE_VERSION,
    updatedAt: at,
    windows,
    signals,
    templates: updateTemplates(templates, at, weight, (prev?.windows ?? 0) >= TEMPLATE_HISTORY_WINDOWS),
  };
  if (options.runs !== undefined && Object.keys(options.runs).length > 0) next.runs = options.runs;
  return next;
}
