import { Forecast } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { builtinForecast } from '../../src/services/forecast/builtin-forecaster.js';
import { forecastNumbers } from '../../src/services/forecast/forecast-numbers.js';
import { forecastPattern } from '../../src/services/forecast/forecast-pattern.js';
import { DB_TIMEOUT, emptyFacts, HOUR, hourlyPoints, NOW } from './facts-fixture.js';

/** Three days steady around 15, then an error incident over the last 18 hours at about 60. */
function incidentFacts() {
  const points = hourlyPoints(
    96,
    (i) => (i >= 78 ? 60 + (i % 3) : 14 + (i % 4)),
    (i) => (i >= 78 ? ['High Error Rate', 'New Error Pattern'] : []),
  );
  return emptyFacts({
    points,
    labels: [
      {
        label: 'High Error Rate',
        last24h: 18,
        previous6d: 0,
        since: points[78]!.timestamp,
        lastSeen: points[95]!.timestamp,
        message: 'error rate 12.5% (250 of 2,000) vs usual 0.40%',
      },
      {
        label: 'New Error Pattern',
        last24h: 18,
        previous6d: 0,
        since: points[78]!.timestamp,
        lastSeen: points[95]!.timestamp,
      },
    ],
    templates: [DB_TIMEOUT],
    metrics: {
      last24h: {
        minutes: 1440,
        records: 48_000,
        warn: 900,
        errors: 5200,
        errorRate: 5200 / 48_000,
        latencyAvgMs: 310,
        latencyMaxMs: 4100,
      },
      previous24h: { minutes: 1440, records: 46_000, warn: 700, errors: 180, errorRate: 180 / 46_000 },
      errorRateSlopePerHour: 0.004,
      volumeSlopePerHour: 0,
    },
    baseline: {
      windows: 2880,
      signals: { errorRate: { center: 0.004, spread: 0.002 }, latencyP95Ms: { center: 210, spread: 30 } },
    },
  });
}

describe('built-in forecaster', () => {
  it('with no history still answers a valid forecast that says nothing was scored', () => {
    const f = builtinForecast(emptyFacts());
    expect(Forecast.parse(f)).toEqual(f);
    expect(f.generatedBy).toBe('builtin');
    expect(f.basis.confidence).toBe('low');
    expect(f.basis.historyPoints).toBe(0);
    expect(f.text).toContain('nothing has been scored');
    expect(new Set(f.actions).size).toBe(3);
    expect(f.actions.join(' ')).toContain('p_test');
  });

  it('with a few hours says so instead of inventing a trend', () => {
    const f = builtinForecast(emptyFacts({ points: hourlyPoints(3, (i) => 20 + i * 10) }));
    expect(f.text).toMatch(/Only 3 h of history: no trend fitted/);
    expect(f.basis.notes).toContain('little history (3 h): no trend fitted');
    expect(f.basis.confidence).toBe('low');
    // A flat line at the recent level, not the +10/h the three points suggest.
    const scores = f.predicted.series.map((p) => p.score);
    expect(Math.max(...scores) - Math.min(...scores)).toBe(0);
    expect(f.predicted.series).toHaveLength(24);
  });

  it('names what changed, since when, and three concrete actions from the template and labels', () => {
    const facts = incidentFacts();
    const f = builtinForecast(facts);
    expect(Forecast.parse(f)).toEqual(f);
    expect(f.text).toContain('High Error Rate since 2026-11-24 16:05 UTC');
    expect(f.text).toContain('error rate 12.5% (250 of 2,000) vs usual 0.40%');
    expect(f.text).toContain('`db timeout after <NUM>ms on query <*>` from checkout-api on POST /api/orders');
    expect(f.text).toMatch(/Confidence (low|medium|high): 4 days of hourly history/);
    expect(f.text).toContain('over the day error rate rising about 0.40 points an hour');
    expect(f.text).toContain(
      'Usual for this project (baseline of 2,880 windows): error rate 0.40%, p95 latency 210 ms.',
    );
    const [first, second, third] = f.actions;
    expect(first).toContain('`db timeout after <NUM>ms on query <*>`');
    expect(first).toContain('checkout-api');
    expect(first).toContain('POST /api/orders');
    expect(first).toContain('1,612 lines');
    expect(second).toContain('5,200 errors in 24 h');
    expect(new Set([first, second, third]).size).toBe(3);
    expect(f.basis.labels).toEqual(['High Error Rate', 'New Error Pattern']);
    const { predicted } = f;
    expect(predicted.low).toBeLessThanOrEqual(predicted.score);
    expect(predicted.high).toBeGreaterThanOrEqual(predicted.score);
    expect(Date.parse(predicted.series[0]!.at)).toBe(Math.floor(NOW / HOUR) * HOUR + HOUR);
  });

  it('reports incomplete input from SDK drop counts in text, notes and an action', () => {
    const facts = incidentFacts();
    facts.templates = [];
    facts.labels = [];
    facts.input = { overflow: 1200, oversize: 30, beforeSend: 0, total: 1230, batchesWithDrops: 7, rejected: 0 };
    const f = builtinForecast(facts);
    expect(f.basis.droppedRecords).toBe(1230);
    expect(f.text).toContain('Input incomplete: SDKs reported 1,230 dropped records');
    expect(f.actions.some((a) => a.includes('dropped 1,200 records'))).toBe(true);
  });

  it('lowers confidence and widens the band after an inaccurate vote on the same pattern only', () => {
    const facts = incidentFacts();
    const before = forecastNumbers(facts);
    const vote = (pattern: string) => ({
      forecastId: 'fc_old',
      date: '2026-11-24',
      accurate: false,
      pattern,
      at: NOW - HOUR,
    });
    const other = builtinForecast({ ...facts, feedback: [vote('Latency Spike|rising')] });
    expect(before.confidence).toBe('medium');
    expect(other.basis.confidence).toBe('medium');
    const same = builtinForecast({ ...facts, feedback: [vote(before.pattern)] });
    expect(same.basis.confidence).toBe('low');
    // An accurate vote on the same pattern cancels an inaccurate one.
    const mixed = builtinForecast({
      ...facts,
      feedback: [vote(before.pattern), { ...vote(before.pattern), accurate: true }],
    });
    expect(mixed.basis.confidence).toBe('medium');
    expect(same.text).toContain('1 earlier forecast like this one');
    const width = (x: typeof same) => x.predicted.series.reduce((a, p) => a + p.high - p.low, 0);
    expect(width(same)).toBeGreaterThan(width(other));
  });

  it('fits the daily season once there are days of seasonal history', () => {
    const points = hourlyPoints(10 * 24, (i) => 30 + 15 * Math.sin((2 * Math.PI * (i % 24)) / 24) + ((i * 7) % 5));
    const f = builtinForecast(emptyFacts({ points }));
    expect(f.basis.method).toContain('daily season');
    expect(f.basis.notes).toContain('daily season fitted');
    expect(f.text).toMatch(/daily pattern peaks around \d\d:00 UTC/);
    expect(f.basis.historyDays).toBe(10);
  });

  it('gives a stored forecast the pattern its facts gave it, also with a label older than 24 h', () => {
    const facts = incidentFacts();
    const old = {
      label: 'Latency Spike',
      last24h: 0,
      previous6d: 4,
      since: NOW - 80 * HOUR,
      lastSeen: NOW - 30 * HOUR,
    };
    for (const labels of [facts.labels, [old], []]) {
      const f = { ...facts, labels };
      expect(forecastPattern(builtinForecast(f))).toBe(forecastNumbers(f).pattern);
    }
    expect(forecastNumbers({ ...facts, labels: [old] }).pattern).toMatch(/^none\|/);
  });

  it('writes a label action from the explanation alone when per-minute metrics are missing', () => {
    const points = hourlyPoints(
      30,
      (i) => (i > 25 ? 70 : 15),
      (i) => (i > 25 ? ['Latency Spike'] : []),
    );
    const label = {
      label: 'Latency Spike',
      last24h: 4,
      previous6d: 0,
      since: points[26]!.timestamp,
      lastSeen: points[29]!.timestamp,
      message: 'p95 latency 254 ms vs usual 58 ms (4.4x)',
    };
    const f = builtinForecast(emptyFacts({ points, labels: [label] }));
    expect(f.actions[0]).toBe(
      'Find the slow path: p95 latency 254 ms vs usual 58 ms (4.4x) (since 2026-11-25 06:05 UTC); check the database and downstream calls it makes.',
    );
  });
});
