import type { Explanation, RiskPoint } from '@cloudsage/schema';
import { BAND_LABEL, bandOf, formatScore } from '../lib/score-band.js';

function figure(n: number): string {
  if (Math.abs(n) >= 100) return String(Math.round(n));
  return String(Math.round(n * 100) / 100);
}

function ExplanationItem({ e }: { e: Explanation }) {
  return (
    <li className="explanation">
      <span className="label-chip">{e.label}</span>
      <span className="explanation-text">{e.message}</span>
      <span className="muted small">
        {e.signal} = {figure(e.value)}
        {e.baseline !== undefined && <> · usual {figure(e.baseline)}</>}
        {e.contribution !== undefined && <> · +{figure(e.contribution)} to the score</>}
      </span>
      {e.template && (
        <span className="template small">
          <code>{e.template.pattern}</code> <span className="muted">× {e.template.count}</span>
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
    <section className="card risk-panel" aria-labelledby="risk-title">
      <h2 id="risk-title">Current risk</h2>
      <div className="risk-head">
        <div className={`risk-score band-${band}`} data-testid="risk-score">
          <span className="risk-number">{formatScore(point?.score)}</span>
          <span className="risk-band">{BAND_LABEL[band]}</span>
        </div>
        <div className="band-scale" aria-hidden="true">
          <div className="band-track">
            <span className="seg normal" />
            <span className="seg elevated" />
            <span className="seg high" />
          </div>
          {point && <span className="band-marker" style={{ left: `${Math.min(100, Math.max(0, point.score))}%` }} />}
          <div className="band-ticks">
            <span>0</span>
            <span>30</span>
            <span>60</span>
            <span>100</span>
          </div>
        </div>
      </div>
      {point ? (
        <>
          <p className="muted small">
            Scored {new Date(point.timestamp).toLocaleString()}
            {point.labels.length === 0 && ' · no risk signals: everything looks like its usual self'}
          </p>
          {point.explanations.length > 0 && (
            <ul className="explanations" aria-label="Risk labels and the numbers behind them">
              {point.explanations.map((e) => (
                <ExplanationItem key={`${e.label}|${e.signal}|${e.template?.id ?? ''}`} e={e} />
              ))}
            </ul>
          )}
          {labelsWithoutExplanation.length > 0 && (
            <p>
              {labelsWithoutExplanation.map((l) => (
                <span key={l} className="label-chip">
                  {l}
                </span>
              ))}
            </p>
          )}
        </>
      ) : (
        <p className="muted">No score yet. Send logs (Logs tab or an SDK) and the first score appears here live.</p>
      )}
    </section>
  );
}
