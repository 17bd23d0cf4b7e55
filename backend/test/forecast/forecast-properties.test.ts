import { Forecast } from '@cloudsage/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinForecast } from '../../src/services/forecast/builtin-forecaster.js';
import type { ForecastFacts } from '../../src/services/forecast/facts.js';
import { emptyFacts, HOUR, NOW } from './facts-fixture.js';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261125) });

const LABELS = [
  'High Error Rate',
  'Latency Spike',
  'Memory Pressure',
  'Volume Spike',
  'Volume Drop',
  'New Error Pattern',
  'Crash Loop',
  'Odd Label',
];

/** Facts of any shape the stores can produce: gappy histories, odd scores, stray labels, drops, votes. */
const facts: fc.Arbitrary<ForecastFacts> = fc
  .record({
    scores: fc.array(fc.oneof(fc.double({ min: -50, max: 150, noNaN: true }), fc.constant(Number.NaN)), {
      maxLength: 300,
    }),
    gaps: fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 300 }),
    labels: fc.array(fc.subarray(LABELS), { maxLength: 300 }),
    recent: fc.subarray(LABELS),
    pattern: fc.string({ maxLength: 300 }),
    services: fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 }),
    dropped: fc.nat(100_000),
    votes: fc.array(fc.record({ accurate: fc.boolean(), direction: fc.constantFrom('rising', 'falling', 'flat') }), {
      maxLength: 5,
    }),
    records: fc.nat(1_000_000),
  })
  .map((r) => {
    let t = NOW - 31 * 24 * HOUR;
    const points = r.scores.map((score, i) => {
      t += (r.gaps[i] ?? 1) * HOUR;
      return { timestamp: Math.min(t, NOW), score, labels: r.labels[i] ?? [] };
    });
    return emptyFacts({
      points,
      labels: r.recent.map((label, i) => ({
        label,
        last24h: 5 - (i % 5),
        previous6d: i,
        since: NOW - 3 * HOUR,
        lastSeen: NOW - HOUR,
      })),
      templates: [
        {
          id: 't',
          pattern: r.pattern,
          level: 'error',
          count: r.records,
          firstSeen: NOW - 5 * HOUR,
          lastSeen: NOW,
          recentCount: r.records % 1000,
          services: r.services.map((name, i) => ({ name, count: 10 - i })),
          endpoints: [],
        },
      ],
      metrics: {
        last24h: { minutes: 10, records: r.records, warn: 1, errors: r.records >> 3, errorRate: r.records ? 1 / 8 : 0 },
        previous24h: { minutes: 0, records: 0, warn: 0, errors: 0, errorRate: 0 },
        errorRateSlopePerHour: 0,
        volumeSlopePerHour: 0,
      },
      input: {
        overflow: r.dropped,
        oversize: 0,
        beforeSend: 0,
        total: r.dropped,
        batchesWithDrops: r.dropped ? 1 : 0,
        rejected: 0,
      },
      feedback: r.votes.map((v, i) => ({
        forecastId: `fc_${i}`,
        date: '2026-11-24',
        accurate: v.accurate,
        pattern: `${r.recent[0] ?? 'none'}|${v.direction}`,
        at: NOW - i * HOUR,
      })),
    });
  });

describe('built-in forecaster properties', () => {
  it('always answers a schema-valid forecast with three distinct actions and an ordered band', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const out = builtinForecast(f);
        expect(Forecast.safeParse(out).success).toBe(true);
        expect(new Set(out.actions).size).toBe(3);
        expect(out.predicted.series).toHaveLength(24);
        for (const p of [out.predicted, ...out.predicted.series]) {
          expect(p.low).toBeLessThanOrEqual(p.score);
          expect(p.score).toBeLessThanOrEqual(p.high);
        }
        expect(out.text.length).toBeGreaterThan(20);
      }),
      { numRuns: 100 },
    );
  });
});
