/**
 * Windows without a record are never scored (the dispatcher scores windows that received records), so
 * the volume statistic learned only from windows that had some: a source that logs in bursts (a phone
 * app while its screen is on, a batch node, a cron job) looked steady at its burst rate, and its first
 * nearly empty minute read as a 100 % drop (loghub's HealthApp sample: 213 records/min for five
 * scored minutes with silent ones between them, then 1 record: "Volume Drop" 72).
 *
 * The windows between the baseline's last one and this one had no records: each is a volume of 0,
 * folded into the statistic before the window is judged. The volume statistic is judged both ways and
 * clipped at 5 sigmas, so a steady service's rare silent minute moves it little, while a bursty
 * source's silences widen its spread, as its real variation is.
 */
import type { Baseline, ScoreWindow } from '@cloudsage/schema';
import { updateStat } from './baseline.js';

/**
 * Longest silence folded in. A longer one (a night, a paused job, an outage) is an off period, not
 * minute-to-minute variation, and folds nothing: learned, it would widen a steady service's spread and
 * hide the drop when it comes back at a tenth of its rate (our generated `traffic-drop` windows, 34 of
 * 36 at 30 or more, fell to 10 of 36 with up to 10 folded). The backend's No Data signal speaks for a
 * silence while it lasts.
 */
export const MAX_QUIET_WINDOWS = 3;

/** The statistic the silent windows are folded into. */
const VOLUME = 'volumePerMin';

/** Whole windows between the baseline's last one and `window`: windows that held no record. */
export function silentWindowsBefore(baseline: Baseline | undefined, window: ScoreWindow): number {
  if (baseline === undefined) return 0;
  const from = Date.parse(window.from);
  const span = Date.parse(window.to) - from;
  const quiet = span > 0 ? Math.floor((from - Date.parse(baseline.updatedAt)) / span) : 0;
  // Integral, so >= 1 is > 0; NaN (an unreadable updatedAt) reads as no silence.
  return quiet >= 1 ? quiet : 0;
}

/**
 * The baseline as it stands after `quiet` silent windows ({@link silentWindowsBefore}): its volume
 * statistic with a 0 for each, when there are at most {@link MAX_QUIET_WINDOWS}. The baseline is not
 * changed; one with no such silence, or no volume statistic yet, is returned as it is.
 *
 * @example
 * // Last scored window ended 12:03; this one is 12:05-12:06: 12:03 and 12:04 were silent.
 * withQuietWindows(baseline, silentWindowsBefore(baseline, window)).signals.volumePerMin;
 */
export function withQuietWindows(baseline: Baseline | undefined, quiet: number): Baseline | undefined {
  const stat = baseline?.signals[VOLUME];
  if (baseline === undefined || stat === undefined || quiet < 1 || quiet > MAX_QUIET_WINDOWS) return baseline;
  let folded = stat;
  for (let i = 0; i < quiet; i++) folded = updateStat(folded, 0, 1, true);
  return { ...baseline, signals: { ...baseline.signals, [VOLUME]: folded } };
}
