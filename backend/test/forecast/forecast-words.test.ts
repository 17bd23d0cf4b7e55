import { Forecast } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { builtinForecast } from '../../src/services/forecast/builtin-forecaster.js';
import type { ForecastFacts } from '../../src/services/forecast/facts.js';
import { plural } from '../../src/services/forecast/format.js';
import { DeployTally, deployedRelease, releaseOf } from '../../src/services/forecast/release-facts.js';
import { OTHER_SIGNALS, scoreParts } from '../../src/services/forecast/score-parts.js';
import { DB_TIMEOUT, emptyFacts, HOUR, hourlyPoints, NOW } from './facts-fixture.js';

/** A count of one followed by a plural noun: the slips ("1 lines", "baseline of 1 windows") this guards. */
const ONE_PLURAL =
  /(?<![\d.,])1 (?:lines|windows|scored windows|records|errors|warnings|batches|times|levels|dropped records|earlier forecasts|inaccurate votes)\b/;

/** An incident that began 6 h ago after a deploy, now recovered to 4: its hour peaked at 100. */
function recoveredFacts(ones = false): ForecastFacts {
  const n = ones ? 1 : 7;
  const points = hourlyPoints(
    60,
    (i) => (i >= 54 ? 100 : 12),
    (i) => (i >= 54 ? ['High Error Rate', 'New Error Pattern'] : []),
  );
  const since = points[54]!.timestamp;
  return emptyFacts({
    points,
    latest: {
      timestamp: NOW - 2 * 60_000,
      score: 4,
      labels: [],
      contributions: [],
    },
    labels: [
      { label: 'High Error Rate', last24h: n, previous6d: ones ? 1 : 0, since, lastSeen: since + 5 * HOUR },
      { label: 'New Error Pattern', last24h: n, previous6d: 0, since, lastSeen: since + 5 * HOUR },
    ],
    templates: [
      {
        ...DB_TIMEOUT,
        pattern: "TypeError: Cannot read properties of undefined (reading 'currency')",
        count: n,
        recentCount: n,
        firstSeen: since,
        lastSeen: since + 5 * HOUR,
        services: [{ name: 'checkout', count: n }],
        endpoints: [{ name: 'POST /api/checkout', count: n }],
        releases: [{ name: 'v2.15.0', count: n }],
      },
    ],
    deploys: [{ release: 'v2.15.0', at: since - 4 * 60_000, service: 'checkout' }],
    metrics: {
      last24h: { minutes: 60, records: n, warn: n, errors: n, errorRate: 1 },
      previous24h: { minutes: 60, records: n, warn: 0, errors: 0, errorRate: 0 },
      errorRateSlopePerHour: 0,
      volumeSlopePerHour: 0,
    },
    baseline: { windows: n, signals: { volumePerMin: { center: n, spread: 0 } } },
    input: { overflow: n, oversize: n, beforeSend: 0, total: 2 * n, batchesWithDrops: n, rejected: n },
    feedback: [{ forecastId: 'fc_0', date: '2026-11-24', accurate: false, pattern: 'none|flat', at: NOW - HOUR }],
    scoredWindows: n,
  });
}

describe('Forecast schema growth', () => {
  it('still parses a forecast made before headline, now and evidence existed, and checks the new ones', () => {
    const f = builtinForecast(recoveredFacts());
    const { headline: _h, now: _n, evidence: _e, ...older } = f;
    expect(Forecast.parse(older)).toEqual(older);
    expect(Forecast.safeParse({ ...f, evidence: [null, null] }).success).toBe(false);
    expect(Forecast.safeParse({ ...f, evidence: [{ from: 'yesterday', to: f.createdAt }, null, null] }).success).toBe(
      false,
    );
  });
});

describe('plural', () => {
  it('says one thing in the singular and every other count in the plural, with thousands separated', () => {
    expect(plural(1, 'line')).toBe('1 line');
    expect(plural(0, 'line')).toBe('0 lines');
    expect(plural(2, 'window')).toBe('2 windows');
    expect(plural(1234, 'record')).toBe('1,234 records');
    expect(plural(1, 'batch', 'batches')).toBe('1 batch');
    expect(plural(3, 'batch', 'batches')).toBe('3 batches');
    // Counts are shown rounded, and the noun follows the number shown.
    expect(plural(0.6, 'line')).toBe('1 line');
    expect(plural(1.4, 'line')).toBe('1 line');
  });
});

describe('score parts', () => {
  it('add up to the score shown: rounding by largest remainder, the unlabelled rest as other signals', () => {
    const parts = scoreParts(100, [
      { label: 'High Error Rate', points: 33.4 },
      { label: 'New Error Pattern', points: 33.3 },
      { label: 'Latency Spike', points: 25.3 },
    ]);
    expect(parts.reduce((a, p) => a + p.points, 0)).toBe(100);
    expect(parts.at(-1)).toEqual({ label: OTHER_SIGNALS, points: 8 });
    expect(parts.map((p) => p.label)).toEqual(['High Error Rate', 'New Error Pattern', 'Latency Spike', OTHER_SIGNALS]);
  });

  it('add up for any contributions, also ones summing past the score', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 500; i++) {
      const score = Math.round(rnd() * 1000) / 10;
      const k = 1 + Math.floor(rnd() * 4);
      const contributions = Array.from({ length: k }, (_, j) => ({
        label: `L${j}`,
        points: Math.round(rnd() * score * 0.6 * 10) / 10,
      }));
      const parts = scoreParts(score, contributions);
      const positive = contributions.some((c) => c.points > 0) && Math.round(score) > 0;
      expect(parts.reduce((a, p) => a + p.points, 0)).toBe(positive ? Math.round(score) : 0);
      for (const p of parts) expect(Number.isInteger(p.points) && p.points > 0).toBe(true);
    }
  });
});

describe('releases in the logs', () => {
  const rec = (time: number, msg: string, attributes?: Record<string, unknown>) => ({
    time: new Date(time).toISOString(),
    level: 'info' as const,
    msg,
    ...(attributes ? { attributes } : {}),
  });

  it('reads version and release fields, and deploy lines', () => {
    expect(releaseOf(rec(NOW, 'x', { version: 'v2.15.0' }))).toBe('v2.15.0');
    expect(releaseOf(rec(NOW, 'x', { release: '2026.11.3' }))).toBe('2026.11.3');
    expect(releaseOf(rec(NOW, 'x', { unrelated: 'v1' }))).toBeUndefined();
    expect(deployedRelease('deployed checkout v2.15.0 to production')).toBe('v2.15.0');
    expect(deployedRelease('rolled back to v2.14.3')).toBe('v2.14.3');
    expect(deployedRelease('request completed in 12.5 ms')).toBeUndefined();
  });

  it('takes the first line of a new version of a service as a deploy, seen in any order', () => {
    const tally = new DeployTally();
    // Newest first, as the scan reads batches.
    tally.observe(rec(NOW, 'request completed', { version: 'v2.15.0' }), 'checkout');
    tally.observe(rec(NOW - 60_000, 'request completed', { version: 'v2.15.0' }), 'checkout');
    tally.observe(rec(NOW - 120_000, 'request completed', { version: 'v2.14.2' }), 'checkout');
    tally.observe(rec(NOW - 90_000, 'request completed', { version: 'v9' }), 'billing');
    expect(tally.deploys()).toEqual([{ release: 'v2.15.0', at: NOW - 60_000, service: 'checkout' }]);
  });
});

describe('forecast words', () => {
  it('starts from the latest score, not its hour’s peak, and its first hour’s band holds that score', () => {
    const f = builtinForecast(recoveredFacts());
    expect(f.now?.score).toBe(4);
    expect(f.headline).toMatch(/^Risk for shop is 4 now \(normal\), down from 100 in the last 24 h; next 24 h about /);
    expect(f.text.startsWith(`${f.headline}\n`)).toBe(true);
    const first = f.predicted.series[0]!;
    expect(first.low).toBeLessThanOrEqual(4);
    expect(first.high).toBeGreaterThanOrEqual(4);
  });

  it('names the service, template and release in the action, with the logs behind it', () => {
    const f = builtinForecast(recoveredFacts());
    expect(Forecast.parse(f)).toEqual(f);
    expect(f.actions[0]).toContain("`TypeError: Cannot read properties of undefined (reading 'currency')`");
    expect(f.actions[0]).toContain('in checkout on POST /api/checkout');
    expect(f.actions[0]).toContain('it began after release v2.15.0');
    expect(f.evidence?.[0]).toEqual({
      from: new Date(recoveredFacts().templates[0]!.firstSeen - 15 * 60_000).toISOString(),
      to: new Date(NOW).toISOString(),
      service: 'checkout',
      template: "TypeError: Cannot read properties of undefined (reading 'currency')",
      release: 'v2.15.0',
    });
    expect(f.evidence).toHaveLength(3);
  });

  it('keeps the text short: a headline and a few lines of details', () => {
    const f = builtinForecast(recoveredFacts());
    const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
    expect(words(f.headline ?? '')).toBeLessThanOrEqual(30);
    const details = f.text.split('\n').slice(1);
    expect(details.length).toBeLessThanOrEqual(9);
    for (const line of details) expect(words(line)).toBeLessThanOrEqual(45);
  });

  it('never writes a count of one with a plural noun', () => {
    for (const ones of [true, false]) {
      const f = builtinForecast(recoveredFacts(ones));
      const all = [f.headline ?? '', f.text, ...f.actions, ...(f.basis.notes ?? [])].join('\n');
      expect(all).not.toMatch(ONE_PLURAL);
    }
    // The no-history forecast and one with one scored window.
    for (const facts of [emptyFacts(), emptyFacts({ points: hourlyPoints(1, () => 50), scoredWindows: 1 })]) {
      const f = builtinForecast(facts);
      expect([f.text, ...f.actions].join('\n')).not.toMatch(ONE_PLURAL);
    }
  });

  it('reports the latest score’s parts adding up to it', () => {
    const facts = recoveredFacts();
    facts.latest = {
      timestamp: NOW - 60_000,
      score: 99.6,
      labels: ['High Error Rate', 'New Error Pattern', 'Latency Spike'],
      contributions: [
        { label: 'High Error Rate', points: 33.3 },
        { label: 'New Error Pattern', points: 33.2 },
        { label: 'Latency Spike', points: 24.9 },
      ],
    };
    const f = builtinForecast(facts);
    expect(f.now?.contributions?.reduce((a, c) => a + c.points, 0)).toBe(100);
    expect(f.headline).toContain('is 100 now (high, led by High Error Rate)');
  });
});
