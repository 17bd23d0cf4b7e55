/** The colour bands of a 0-100 risk score (schema: 0-30 normal, 30-60 elevated, 60+ high). */
export type Band = 'normal' | 'elevated' | 'high' | 'none';

/** The band a score falls in; `none` when there is no score yet. */
export function bandOf(score: number | null | undefined): Band {
  if (score === null || score === undefined || Number.isNaN(score)) return 'none';
  if (score >= 60) return 'high';
  if (score >= 30) return 'elevated';
  return 'normal';
}

/** A band's colours (background and text), from the theme's band tokens. */
export const BAND_CLASS: Record<Band, string> = {
  normal: 'bg-normal-bg text-normal',
  elevated: 'bg-elevated-bg text-elevated',
  high: 'bg-high-bg text-high',
  none: 'bg-none-bg text-muted',
};

export const BAND_LABEL: Record<Band, string> = {
  normal: 'Normal',
  elevated: 'Elevated',
  high: 'High',
  none: 'No score yet',
};

/** A score as shown: whole numbers, "–" when absent. */
export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined ? '–' : String(Math.round(score));
}
