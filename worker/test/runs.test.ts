import { Baseline, MAX_BASELINE_RUNS } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { RUN_RISK, runKey, runsAfter, runsBefore } from '../src/score/runs.js';
import type { Finding } from '../src/score/types.js';

function finding(label: Finding['label'], risk: number, service?: string): Finding {
  const f: Finding = { label, signal: 'x', risk, value: 1, message: 'm' };
  if (service !== undefined) f.service = service;
  return f;
}

const base: Baseline = {
  version: 1,
  updatedAt: '2026-03-01T00:01:00.000Z',
  windows: 30,
  signals: {},
  templates: [],
  runs: { 'Latency Spike|gateway': 2 },
};

describe('runs of a finding', () => {
  it('continues a run the last window started, per label and service', () => {
    const after = runsAfter(runsBefore(base, 0), [finding('Latency Spike', 0.4, 'gateway')]);
    expect(after).toEqual({ 'Latency Spike|gateway': 3 });
    // The same label in another service, or for the project, is another run.
    expect(runsAfter(base.runs!, [finding('Latency Spike', 0.4, 'orders'), finding('Latency Spike', 0.3)])).toEqual({
      'Latency Spike|orders': 1,
      'Latency Spike': 1,
    });
  });

  it('ends a run when the window finds less than a noticeable risk', () => {
    expect(runsAfter(base.runs!, [finding('Latency Spike', RUN_RISK * 0.9, 'gateway')])).toEqual({});
    expect(runsAfter(base.runs!, [])).toEqual({});
  });

  it('judges a finding on its own window: one raised over the line only by its run ends it', () => {
    const carried = { ...finding('Latency Spike', 0.2, 'gateway'), startRisk: RUN_RISK / 2 };
    expect(runsAfter(base.runs!, [carried])).toEqual({});
    const own = { ...finding('Latency Spike', 0.5, 'gateway'), startRisk: 0.3 };
    expect(runsAfter(base.runs!, [own])).toEqual({ 'Latency Spike|gateway': 3 });
  });

  it('a silent window between breaks every run', () => {
    expect(runsBefore(base, 1)).toEqual({});
    expect(runsBefore(undefined, 0)).toEqual({});
  });

  it('keeps the strongest, as many as the schema allows, and each key as stats are clipped', () => {
    const many = Array.from({ length: MAX_BASELINE_RUNS + 10 }, (_, i) =>
      finding('High Error Rate', 0.2 + i / 1000, `svc-${i}`),
    );
    const after = runsAfter({}, many);
    expect(Object.keys(after)).toHaveLength(MAX_BASELINE_RUNS);
    expect(after[`High Error Rate|svc-${MAX_BASELINE_RUNS + 9}`]).toBe(1);
    expect(after['High Error Rate|svc-0']).toBeUndefined();
    expect(runKey('Latency Spike', 'x'.repeat(100))).toHaveLength(64);
    expect(Baseline.safeParse({ ...base, runs: after }).success).toBe(true);
    expect(Baseline.safeParse({ ...base, runs: { ...after, extra: 1 } }).success).toBe(false);
  });
});
