import type { Explanation, RiskPoint } from '@cloudsage/schema';
import { BAND_CLASS, BAND_LABEL, bandOf, formatScore } from '../lib/score-band.js';
import { card } from '../lib/ui.js';

/** A risk label as a chip. */
const CHIP =
  'mr-[0.35rem] inline-block self-start rounded-full bg-high-bg px-2 py-[0.05rem] text-chip font-bold text-high';

function figure(n: number): string {
  if (Math.abs(n) >= 100) return String(Math.round(n));
  return String(Math.round(n * 100) / 100);
}

function ExplanationItem({ e }: { e: Explanation }) {
  return (
    <li className="flex flex-col gap-[0.15rem]">
      <span className={CHIP} data-testid="risk-label">
        {e.label}
      </span>
      <span>{e.message}</span>
      <span className="text-sm text-muted">
        {e.signal} = {figure(e.value)}
        {e.baseline !== undefined && <> · usual {figure(e.baseline)}</>}
        {e.contribution !== undefined && <> · +{figure(e.contribution)} to the score</>}
      </span>
      {e.template && (
        <span className="text-sm">
          <code className="wrap-anywhere">{e.template.pattern}</code>{' '}
          <span className="text-muted">× {e.template.count}</span>
        </span>
      )}
    </li>
  );
}

/**
 * The current risk: the score on its colour band (0-30 normal, 30-60 elevated, 60+ high), its
 * labels, and for each label the numbers and templates behind it.
 */
export function RiskPanel({ point }: { point: RiskPoint | undefined }) {
  const band = bandOf(point?.score);
  const labelsWithoutExplanation = point?.labels.filter((l) => !point.explanations.some((e) => e.label === l)) ?? [];
  return (
    <section className={`${card} min-h-[220px]`} aria-labelledby="risk-title">
      <h2 id="risk-title">Current risk</h2>
      <div className="flex flex-wrap items-center gap-4">
        <div
          className={`flex h-24 w-28 flex-col items-center justify-center rounded-lg ${BAND_CLASS[band]}`}
          data-testid="risk-score"
        >
          <span className="font-extrabold text-score leading-none tabular-nums" data-testid="risk-number">
            {formatScore(point?.score)}
          </span>
          <span className="font-semibold text-ui">{BAND_LABEL[band]}</span>
        </div>
        <div className="relative min-w-40 flex-[1_1_10rem] pt-2" aria-hidden="true">
          <div className="flex h-[0.6rem] overflow-hidden rounded-full">
            <span className="flex-[30] bg-normal" />
            <span className="flex-[30] bg-elevated" />
            <span className="flex-[40] bg-high" />
          </div>
          {point && (
            <span
              className="absolute top-[0.15rem] -ml-0.5 h-[1.3rem] w-1 rounded-[2px] bg-text"
              style={{ left: `${Math.min(100, Math.max(0, point.score))}%` }}
            />
          )}
          <div className="flex justify-between text-muted text-xs">
            <span>0</span>
            <span>30</span>
            <span>60</span>
            <span>100</span>
          </div>
        </div>
      </div>
      {point ? (
        <>
          <p className="text-muted text-sm">
            Scored {new Date(point.timestamp).toLocaleString()}
            {point.labels.length === 0 && ' · no risk signals: everything looks like its usual self'}
          </p>
          {point.explanations.length > 0 && (
            <ul
              className="mt-2 mb-0 flex list-none flex-col gap-[0.6rem] p-0"
              aria-label="Risk labels and the numbers behind them"
            >
              {point.explanations.map((e) => (
                <ExplanationItem key={`${e.label}|${e.signal}|${e.template?.id ?? ''}`} e={e} />
              ))}
            </ul>
          )}
          {labelsWithoutExplanation.length > 0 && (
            <p>
              {labelsWithoutExplanation.map((l) => (
                <span key={l} className={CHIP}>
                  {l}
                </span>
              ))}
            </p>
          )}
        </>
      ) : (
        <p className="text-muted">
          No score yet. Send logs (Logs tab or an SDK) and the first score appears here live.
        </p>
      )}
    </section>
  );
}
