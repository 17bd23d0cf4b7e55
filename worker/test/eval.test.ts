import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../eval/dataset.js';
import { evaluate } from '../eval/evaluate.js';

// A small slice of `pnpm eval:scoring` (one instance per profile) on two seeds, so a change that
// breaks detection or starts flagging healthy windows fails CI; the full run is the script.
describe.each([DEFAULT_OPTIONS.seed, 9001])('evaluation set, seed %i', (seed) => {
  const e = evaluate({ ...DEFAULT_OPTIONS, seed, instances: 1 });

  it('separates incidents from healthy windows: overall AUC >= 0.95', () => {
    expect(e.overall.n).toBeGreaterThan(50);
    expect(e.overall.auc).toBeGreaterThanOrEqual(0.95);
  });

  it('beats the error-fraction baseline on every incident kind', () => {
    for (const k of e.kinds)
      expect({ kind: k.kind, better: k.auc > k.naiveAuc }).toEqual({ kind: k.kind, better: true });
  });

  it('keeps healthy windows, alarming ones included, under 30 (at most 2% false alarms)', () => {
    const healthy = e.rows.filter((r) => !r.incident).length;
    expect(e.falseAlarms).toBeLessThanOrEqual(Math.floor(0.02 * healthy));
  });
});

it('generates the same set for the same seed', () => {
  const a = evaluate({ ...DEFAULT_OPTIONS, instances: 1, perKind: 1 });
  const b = evaluate({ ...DEFAULT_OPTIONS, instances: 1, perKind: 1 });
  expect(a.rows.map((r) => r.score)).toEqual(b.rows.map((r) => r.score));
});
