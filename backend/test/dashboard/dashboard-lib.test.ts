import type { Forecast, RiskPoint } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { chartColumns } from '../../dashboard/src/lib/chart-data.js';
import { displayName } from '../../dashboard/src/lib/display-name.js';
import { detectFormat, lineOf } from '../../dashboard/src/lib/ingest-body.js';
import { bandOf } from '../../dashboard/src/lib/score-band.js';
import { groupByTemplate, templateOf } from '../../dashboard/src/lib/templates.js';

// The dashboard's pure logic, run in Node; the browser suite covers the same code on screen.

const point = (timestamp: string, score: number, labels: string[] = []): RiskPoint => ({
  id: `r_${timestamp}`,
  timestamp,
  score,
  labels,
  signals: {},
  explanations: [],
});

describe('templateOf and groupByTemplate', () => {
  it('masks numbers, ids, addresses and quoted values so variants group together', () => {
    expect(templateOf('db timeout after 5000 ms on shard 3')).toBe('db timeout after <*> ms on shard <*>');
    expect(templateOf('user 3f2b1c9e-1a2b-4c3d-8e9f-0a1b2c3d4e5f logged in from 10.0.0.12:443')).toBe(
      'user <*> logged in from <*>',
    );
    expect(templateOf('cache "sessions" miss')).toBe('cache "<*>" miss');
  });

  it('counts each template, keeps its worst level and latest time, most frequent first', () => {
    const groups = groupByTemplate([
      { time: '2026-01-01T00:00:01.000Z', level: 'info', msg: 'GET /a 200 in 12ms' },
      { time: '2026-01-01T00:00:03.000Z', level: 'error', msg: 'db timeout after 5000 ms' },
      { time: '2026-01-01T00:00:02.000Z', level: 'fatal', msg: 'db timeout after 7000 ms' },
      { time: '2026-01-01T00:00:04.000Z', level: 'error', msg: 'db timeout after 100 ms' },
    ]);
    expect(groups.map((g) => [g.template, g.count, g.level, g.lastSeen])).toEqual([
      ['db timeout after <*> ms', 3, 'fatal', '2026-01-01T00:00:04.000Z'],
      ['GET /a <*> in <*>', 1, 'info', '2026-01-01T00:00:01.000Z'],
    ]);
  });
});

describe('chartColumns', () => {
  const forecast = {
    predicted: {
      series: [
        { at: '2026-01-01T02:00:00.000Z', score: 50, low: 40, high: 60 },
        { at: '2026-01-01T03:00:00.000Z', score: 55, low: 41, high: 70 },
      ],
    },
  } as Forecast;

  it('aligns history and forecast on one axis and joins the forecast to the last score', () => {
    const c = chartColumns(
      [point('2026-01-01T00:00:00.000Z', 10), point('2026-01-01T01:00:00.000Z', 20, ['Latency Spike'])],
      forecast,
    );
    const hour = Date.parse('2026-01-01T00:00:00.000Z') / 1000;
    expect(c.x).toEqual([hour, hour + 3600, hour + 7200, hour + 10800]);
    expect(c.score).toEqual([10, 20, null, null]);
    expect(c.forecast).toEqual([null, 20, 50, 55]);
    expect(c.low).toEqual([null, 20, 40, 41]);
    expect(c.high).toEqual([null, 20, 60, 70]);
    expect(c.points[1]?.labels).toEqual(['Latency Spike']);
    expect(c.points[2]).toBeUndefined();
  });

  it('draws no forecast without history', () => {
    expect(chartColumns([], forecast).x).toEqual([]);
  });
});

describe('ingest body helpers', () => {
  it('detects the body form', () => {
    expect(detectFormat('[{"msg":"a"}]')).toBe('json');
    expect(detectFormat('{"projectId":"p","logs":[{"msg":"a"}]}')).toBe('json');
    expect(detectFormat('{"msg":"a"}\n\n{"msg":"b"}\n')).toBe('ndjson');
    expect(detectFormat('ERROR boom\n{"msg":"b"}')).toBe('text');
  });

  it('maps a rejected item index to its line, skipping blank lines as the server does', () => {
    const text = 'first\n\n  \nsecond\nthird';
    expect(lineOf(text, 'text', 1)).toEqual({ line: 4, text: 'second' });
    expect(lineOf(text, 'ndjson', 2)).toEqual({ line: 5, text: 'third' });
    expect(lineOf(text, 'text', 3)).toBeUndefined();
    expect(lineOf('[{}]', 'json', 0)).toBeUndefined();
  });
});

describe('bandOf', () => {
  it('reads 0-30 as normal, 30-60 elevated, 60+ high', () => {
    expect([0, 29.9, 30, 59.9, 60, 100].map(bandOf)).toEqual([
      'normal',
      'normal',
      'elevated',
      'elevated',
      'high',
      'high',
    ]);
    expect(bandOf(undefined)).toBe('none');
  });
});

describe('displayName', () => {
  it('drops bidi controls a name saved before the API stripped them may hold, and keeps other text', () => {
    expect(displayName('invoice\u202Egnp.exe')).toBe('invoicegnp.exe');
    expect(displayName('a\u200E\u200F\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069b')).toBe('ab');
    expect(displayName('קופה')).toBe('קופה');
  });
});
