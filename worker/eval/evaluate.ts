/**
 * Scores the evaluation set and computes ROC AUC per incident kind and overall, for the scorer and for
 * the trivial baseline "fraction of error lines", over the same windows.
 */
import { scoreWindow } from '../src/score/score-window.js';
import { rocAuc } from './auc.js';
import { type DatasetOptions, dataset } from './dataset.js';
import { HEALTHY_VARIANTS, INCIDENT_KINDS } from './incidents.js';

/** One scored held-out window. */
export interface Row {
  kind: string;
  profile: string;
  incident: boolean;
  score: number;
  /** The trivial baseline's score: error and fatal lines over all lines. */
  naive: number;
  labels: string[];
}

/** AUCs of one incident kind (or all of them) against every healthy window. */
export interface KindResult {
  kind: string;
  n: number;
  auc: number;
  naiveAuc: number;
  /** Incident windows scoring 30 or more (labelled as elevated). */
  detected: number;
}

/** What {@link evaluate} measured. */
export interface Evaluation {
  rows: Row[];
  records: number;
  kinds: KindResult[];
  overall: KindResult;
  healthy: { variant: string; mean: number; max: number }[];
  falseAlarms: number;
}

/**
 * Scores every case of the set (warm-up included, through the real scorer).
 *
 * @example
 * const e = evaluate({ ...DEFAULT_OPTIONS, seed: 7 });
 * e.overall.auc; // e.g. 0.99
 */
export function evaluate(options: DatasetOptions, onRow?: (row: Row) => void): Evaluation {
  const rows: Row[] = [];
  let records = 0;
  for (const c of dataset(options)) {
    const res = scoreWindow(
      { projectId: c.profile, logs: c.logs, metadata: { window: { from: c.from, to: c.to }, baseline: c.baseline } },
      { skipBaseline: true },
    );
    let errors = 0;
    for (const r of c.logs) if (r.level === 'error' || r.level === 'fatal') errors++;
    records += c.logs.length;
    const row: Row = {
      kind: c.kind,
      profile: c.profile,
      incident: c.incident,
      score: res.score,
      naive: errors / Math.max(1, c.logs.length),
      labels: res.labels,
    };
    rows.push(row);
    onRow?.(row);
  }
  const negatives = rows.filter((r) => !r.incident);
  const judge = (kind: string, pos: Row[]): KindResult => ({
    kind,
    n: pos.length,
    auc: rocAuc(
      pos.map((r) => r.score),
      negatives.map((r) => r.score),
    ),
    naiveAuc: rocAuc(
      pos.map((r) => r.naive),
      negatives.map((r) => r.naive),
    ),
    detected: pos.filter((r) => r.score >= 30).length,
  });
  return {
    rows,
    records,
    kinds: INCIDENT_KINDS.map((k) =>
      judge(
        k,
        rows.filter((r) => r.kind === k),
      ),
    ),
    overall: judge(
      'overall',
      rows.filter((r) => r.incident),
    ),
    healthy: HEALTHY_VARIANTS.map((variant) => {
      const v = negatives.filter((r) => r.kind === variant).map((r) => r.score);
      return { variant, mean: v.reduce((a, b) => a + b, 0) / Math.max(1, v.length), max: Math.max(0, ...v) };
    }),
    falseAlarms: negatives.filter((r) => r.score >= 30).length,
  };
}
