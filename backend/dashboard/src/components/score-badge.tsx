import type { Trend } from '@cloudsage/schema';
import { BAND_CLASS, BAND_LABEL, bandOf, formatScore } from '../lib/score-band.js';

const TREND: Record<Trend, { arrow: string; text: string }> = {
  up: { arrow: '↑', text: 'rising' },
  down: { arrow: '↓', text: 'falling' },
  flat: { arrow: '→', text: 'steady' },
};

/** A score with its band colour and, when known, its trend; readable without colour. */
export function ScoreBadge({ score, trend }: { score: number | null | undefined; trend?: Trend | null | undefined }) {
  const band = bandOf(score);
  const t = trend ? TREND[trend] : undefined;
  return (
    <span
      className={`inline-flex min-w-14 items-center justify-center rounded-full px-2 py-[0.15rem] font-bold tabular-nums ${BAND_CLASS[band]}`}
      data-testid="score-badge"
      title={`${BAND_LABEL[band]}${t ? `, ${t.text}` : ''}`}
    >
      <span className="sr-only">Risk score </span>
      {formatScore(score)}
      {t && (
        <span>
          <span aria-hidden="true"> {t.arrow}</span>
          <span className="sr-only">, {t.text}</span>
        </span>
      )}
    </span>
  );
}
