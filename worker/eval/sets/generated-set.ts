/**
 * The `generated` set: windows our own generator writes (dataset.ts), scored in process against a
 * frozen baseline. It exercises the scorer's code paths per incident kind; it says nothing about
 * real logs, since the generator and the scorer share their authors' idea of an incident.
 */
import { DEFAULT_OPTIONS } from '../dataset.js';
import { type Evaluation, evaluate, type KindResult } from '../evaluate.js';

/** Figures of the generated set, and its report lines. */
export interface GeneratedFigures {
  seed: number;
  windows: number;
  healthy: number;
  falseAlarms: number;
  kinds: KindResult[];
  overall: KindResult;
}

/** Scores the generated set and answers its figures and printed lines. */
export function runGenerated(
  seed = DEFAULT_OPTIONS.seed,
  instances = DEFAULT_OPTIONS.instances,
): { figures: GeneratedFigures; lines: string[] } {
  const e: Evaluation = evaluate({ ...DEFAULT_OPTIONS, seed, instances });
  const fmt = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
  const healthy = e.rows.filter((r) => !r.incident).length;
  const lines = [
    '### Set `generated`',
    '',
    'NOTE: our own generator; this tests code paths, not quality (generator and scorer share one idea of an incident).',
    '',
    `seed ${seed}: ${e.rows.length} windows (${healthy} healthy), ${e.records.toLocaleString('en-US')} records`,
    '',
    '| kind | n | score AUC | error-fraction AUC | score >= 30 |',
    '|---|---|---|---|---|',
    ...[...e.kinds, e.overall].map(
      (k) => `| ${k.kind} | ${k.n} | ${fmt(k.auc)} | ${fmt(k.naiveAuc)} | ${k.detected}/${k.n} |`,
    ),
    '',
    `healthy windows scoring >= 30: ${e.falseAlarms} of ${healthy}`,
    '',
  ];
  return {
    figures: { seed, windows: e.rows.length, healthy, falseAlarms: e.falseAlarms, kinds: e.kinds, overall: e.overall },
    lines,
  };
}
