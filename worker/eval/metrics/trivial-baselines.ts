/**
 * The trivial detectors every score is compared with, computed from the same windows in the same
 * run. They need no training and no baseline beyond the recording's own past windows.
 */

import { quantile } from '../../src/score/stats.js';

/** What a trivial detector needs of a window. */
export interface WindowCounts {
  records: number;
  error: number;
  fatal: number;
  /** Messages of the window's warn-and-above records. */
  severe: readonly string[];
}

/** The trivial detectors' values for one window (higher = more alarming). */
export interface TrivialScores {
  /** Error and fatal records over all records. */
  errorFraction: number;
  /** Error and fatal records. */
  errorCount: number;
  /** |records - median of the previous windows| / that median (0 for the first window). */
  lineChange: number;
  /** Distinct warn/error templates not seen in any earlier window of the recording. */
  newTemplates: number;
}

/** Names of the detectors, in print order. */
export const TRIVIAL = ['errorFraction', 'errorCount', 'lineChange', 'newTemplates'] as const;
export type TrivialName = (typeof TRIVIAL)[number];

/**
 * A simple template of a message, independent of the scorer's own miner: the first line's first 20
 * whitespace tokens, any token holding a digit replaced by `<*>`.
 */
export function simpleTemplate(msg: string): string {
  const nl = msg.indexOf('\n');
  const first = nl < 0 ? msg : msg.slice(0, nl);
  return first
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 20)
    .map((t) => (/\d/.test(t) ? '<*>' : t))
    .join(' ');
}

/**
 * The trivial detectors over a recording's windows, in time order (each sees only earlier windows).
 *
 * @example
 * trivialScores([{ records: 10, error: 0, fatal: 0, severe: [] }, { records: 20, error: 5, fatal: 0, severe: ['db down'] }]);
 * // [..., { errorFraction: 0.25, errorCount: 5, lineChange: 1, newTemplates: 1 }]
 */
export function trivialScores(windows: readonly WindowCounts[]): TrivialScores[] {
  const seen = new Set<string>();
  const past: number[] = [];
  return windows.map((w) => {
    const errors = w.error + w.fatal;
    const med = quantile(past, 0.5);
    const lineChange = past.length === 0 ? 0 : Math.abs(w.records - med) / Math.max(1, med);
    const fresh = new Set<string>();
    for (const m of w.severe) {
      const t = simpleTemplate(m);
      if (!seen.has(t)) fresh.add(t);
    }
    for (const t of fresh) seen.add(t);
    // quantile sorts `past` in place: one new value in a sorted array is a near-linear sort next time.
    past.push(w.records);
    return {
      errorFraction: errors / Math.max(1, w.records),
      errorCount: errors,
      lineChange,
      newTemplates: fresh.size,
    };
  });
}
