import type { Baseline } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { labelFacts } from '../../src/services/forecast/label-facts.js';
import { slope, summarise } from '../../src/services/forecast/metrics-facts.js';
import { endpointOf, serviceOf, templateMatcher } from '../../src/services/forecast/template-context.js';
import { topTemplates } from '../../src/services/forecast/top-templates.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-25T12:00:00Z');

describe('template matching', () => {
  it('matches lines of a mined template token by token, placeholders inside tokens included', () => {
    const m = templateMatcher('Connection to <IP>:<NUM> refused after <NUM>ms user=<ID>');
    expect(m('Connection to 10.0.0.1:5432 refused after 30ms user=req-7f3a')).toBe(true);
    expect(m('Connection to 10.0.0.1:5432 refused after 30ms')).toBe(false);
    expect(m('Connection from 10.0.0.1:5432 refused after 30ms user=a1')).toBe(false);
    expect(templateMatcher('GET /users/<NUM> failed')('GET /users/42 failed\n    at stack')).toBe(true);
    // Regex metacharacters in the pattern are literal.
    expect(templateMatcher('cost (<NUM>) is $<NUM>.')('cost (3) is $4.')).toBe(true);
    expect(templateMatcher('a.b <*>')('axb c')).toBe(false);
  });

  it('finds the endpoint in attributes, pino-http req, or the message, and the service', () => {
    expect(
      endpointOf({
        time: '',
        level: 'error',
        msg: 'x',
        attributes: { req: { method: 'post', url: '/api/orders?id=1' } },
      }),
    ).toBe('POST /api/orders');
    expect(endpointOf({ time: '', level: 'error', msg: 'x', attributes: { 'http.route': '/users/:id' } })).toBe(
      '/users/:id',
    );
    expect(endpointOf({ time: '', level: 'error', msg: 'GET /health failed with 503' })).toBe('GET /health');
    expect(endpointOf({ time: '', level: 'error', msg: 'no path here' })).toBeUndefined();
    expect(serviceOf({ time: '', level: 'error', msg: 'x', service: 'billing' })).toBe('billing');
    expect(serviceOf({ time: '', level: 'error', msg: 'x', attributes: { 'service.name': 'otel-svc' } })).toBe(
      'otel-svc',
    );
  });
});

describe('label facts', () => {
  it('counts the last 24 h against the 6 days before and finds when the current run began', () => {
    const at = (hoursAgo: number, labels: string[]) => ({ timestamp: NOW - hoursAgo * HOUR, score: 50, labels });
    const points = [
      at(100, ['Latency Spike']),
      at(30, ['High Error Rate']),
      // A gap of more than 6 h ends the earlier run.
      at(10, ['High Error Rate']),
      at(6, ['High Error Rate']),
      at(2, ['High Error Rate', 'Volume Spike']),
      at(200, ['Memory Pressure']),
    ];
    const facts = labelFacts(points, new Map([['High Error Rate', 'error rate 9%']]), NOW);
    expect(facts.map((f) => f.label)).toEqual(['High Error Rate', 'Volume Spike', 'Latency Spike']);
    expect(facts[0]).toEqual({
      label: 'High Error Rate',
      last24h: 3,
      previous6d: 1,
      since: NOW - 10 * HOUR,
      lastSeen: NOW - 2 * HOUR,
      message: 'error rate 9%',
    });
  });
});

describe('top templates', () => {
  const t = (id: string, level: string, count: number, lastSeenHoursAgo: number) => ({
    id,
    pattern: `pattern ${id}`,
    count,
    level,
    firstSeen: new Date(NOW - 100 * HOUR).toISOString(),
    lastSeen: new Date(NOW - lastSeenHoursAgo * HOUR).toISOString(),
  });
  const baseline: Baseline = {
    version: 1,
    updatedAt: new Date(NOW).toISOString(),
    windows: 10,
    signals: {},
    templates: [
      t('info', 'info', 9999, 1),
      t('warn', 'warn', 50, 1),
      t('err', 'error', 10, 5),
      t('fatal', 'fatal', 3, 50),
    ],
  };

  it('puts templates in recent explanations first, then severity, and skips info-level ones', () => {
    const recent = new Map([
      ['warn', { pattern: 'pattern warn', count: 30, first: NOW - HOUR }],
      ['new', { pattern: 'only explained', count: 7, first: NOW - 2 * HOUR }],
    ]);
    const top = topTemplates(baseline, recent);
    expect(top.map((x) => [x.id, x.recentCount])).toEqual([
      ['warn', 30],
      ['new', 7],
      ['fatal', 0],
      ['err', 0],
    ]);
    expect(top[1]).toMatchObject({ pattern: 'only explained', level: 'error', firstSeen: NOW - 2 * HOUR });
  });
});

describe('metrics helpers', () => {
  it('sums periods and fits slopes', () => {
    const row = {
      minute: 0,
      records: 10,
      count_warn: 1,
      count_error: 2,
      count_fatal: 1,
      latency_count: 0,
      latency_sum: 0,
      latency_max: 0,
      memory_max_mb: 0,
    };
    const s = summarise([row, { ...row, records: 30, count_error: 0, count_fatal: 0 }]);
    expect(s).toEqual({ minutes: 2, records: 40, warn: 2, errors: 3, errorRate: 3 / 40 });
    expect(slope([1, 3, 5, 7])).toBeCloseTo(2);
    expect(slope([4])).toBe(0);
  });
});
