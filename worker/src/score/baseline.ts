/**
 * The project's baseline after a window: robust running statistics per signal and the template table.
 *
 * Each statistic is an EWMA of the value whose steps are clipped (a Huber update): one outlying window
 * moves the center by at most 3 sigmas times the learning rate, and the spread is an EWMA of the
 * clipped absolute deviation. Windows that scored high update with a small weight, so an incident
 * does not teach the baseline that it is normal; a lasting change is still learned, slowly.
 */
import {
  BASELINE_VERSION,
  type Baseline,
  MAX_BASELINE_TEMPLATES,
  MAX_TEMPLATE_PATTERN,
  type RobustStat,
  type Template,
} from '@cloudsage/schema';
import { SIGMA_PER_SPREAD } from './stats.js';
import type { WindowTemplate } from './types.js';

/** Slowest learning rate; the first windows learn faster (1 / (n + 1)) until they reach it. */
export const MIN_ALPHA = 0.05;
/** Learning rate of a template's per-window rate. */
const TEMPLATE_ALPHA = 0.1;

/**
 * Windows a new baseline learns from at full weight whatever they score. Without this, a service whose
 * normal is unusual (a steady 10% of harmless errors) would score high forever and never be learned.
 */
export const LEARNING_WINDOWS = 10;

/**
 * How much a window teaches the baseline, from its score: normal 1, elevated 0.3, high 0.05; every
 * window counts fully during the first {@link LEARNING_WINDOWS}.
 */
export function updateWeight(score: number, windows: number): number {
  if (windows < LEARNING_WINDOWS) return 1;
  return score < 30 ? 1 : score < 60 ? 0.3 : 0.05;
}

/**
 * Folds one value into a robust statistic.
 *
 * @example
 * let s = updateStat(undefined, 0.01, 1); // { center: 0.01, spread: 0, n: 1 }
 * s = updateStat(s, 0.5, 1); // the outlier moves the center by a clipped step only
 */
export function updateStat(prev: RobustStat | undefined, x: number, weight: number): RobustStat {
  if (!Number.isFinite(x)) return prev ?? { center: 0, spread: 0, n: 0 };
  if (prev === undefined || prev.n === 0) return { center: x, spread: 0, n: 1 };
  const alpha = weight * Math.max(1 / (prev.n + 1), MIN_ALPHA);
  // The floor lets a signal that was flat (spread 0) still learn a lasting change.
  const scale = Math.max(SIGMA_PER_SPREAD * prev.spread, 0.02 * Math.abs(prev.center), 1e-4);
  const dev = x - prev.center;
  const clipped = Math.max(-3 * scale, Math.min(3 * scale, dev));
  const center = prev.center + alpha * clipped;
  const spread = prev.spread + alpha * (Math.min(Math.abs(dev), 3 * scale) - prev.spread);
  return { center, spread: Math.max(0, spread), n: prev.n + 1 };
}

function clipPattern(p: string): string {
  return p.length <= MAX_TEMPLATE_PATTERN ? p : `${p.slice(0, MAX_TEMPLATE_PATTERN - 3)}...`;
}

/** Merges the window's templates into the table; least recently seen go first past the cap. */
export function updateTemplates(templates: readonly WindowTemplate[], at: string, weight: number): Template[] {
  const alpha = TEMPLATE_ALPHA * weight;
  const out: Template[] = [];
  for (const t of templates) {
    const k = t.windowCount;
    const known = t.known;
    if (known !== undefined) {
      const rate = (known.rate ?? 0) + alpha * (k - (known.rate ?? 0));
      const next: Template = {
        ...known,
        pattern: clipPattern(t.pattern),
        count: known.count + k,
        rate: Math.max(0, rate),
      };
      if (k > 0) {
        next.lastSeen = at;
        next.level = t.level;
      }
      out.push(next);
    } else if (k > 0) {
      // A template first seen in an incident starts with a low rate, so it still spikes next window.
      out.push({
        id: t.id,
        pattern: clipPattern(t.pattern),
        count: k,
        firstSeen: at,
        lastSeen: at,
        level: t.level,
        rate: k * weight,
      });
    }
  }
  if (out.length > MAX_BASELINE_TEMPLATES) {
    out.sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : b.count - a.count));
    out.length = MAX_BASELINE_TEMPLATES;
  }
  return out;
}

/** The next baseline: every observation folded in with the window's weight, templates merged. */
export function updateBaseline(
  prev: Baseline | undefined,
  observations: Record<string, number>,
  templates: readonly WindowTemplate[],
  score: number,
  at: string,
): Baseline {
  const weight = updateWeight(score, prev?.windows ?? 0);
  const signals: Record<string, RobustStat> = { ...(prev?.signals ?? {}) };
  for (const [name, x] of Object.entries(observations)) {
    const old = signals[name];
    // An incident window does not found a statistic: the first value would be the incident's.
    if (old === undefined && weight < 1) continue;
    signals[name] = updateStat(old, x, weight);
  }
  return {
    version: BASELINE_VERSION,
    updatedAt: at,
    windows: (prev?.windows ?? 0) + 1,
    signals,
    templates: updateTemplates(templates, at, weight),
  };
}
