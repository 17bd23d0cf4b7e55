import { gunzipSync } from 'node:zlib';
import { type LogRecord, normalizeLine } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { buildWorkload } from '../../bench/ingest-workload.js';
import { serializeLogRecord } from '../../src/services/ingest/batch-object.js';
import { BatchSummary } from '../../src/services/ingest/batch-summary.js';

const T = '2026-11-25T10:11:12.345Z';

const CASES: LogRecord[] = [
  { time: T, level: 'info', msg: '' },
  { time: T, level: 'error', msg: 'quote " backslash \\ newline \n tab \t nul \u0000 bell \u0007' },
  { time: T, level: 'warn', msg: 'unicode é 漢字 🚀 lone \ud800 surrogate', service: 'a"b', host: 'h\\1' },
  {
    time: T,
    level: 'fatal',
    msg: 'all fields',
    service: 'svc',
    host: 'web-1',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    attributes: { nested: { deep: [1, 'two', null, { x: true }] }, 'odd key "q"': -0.5, empty: {} },
  },
  { time: T, level: 'debug', msg: 'undefined optionals', service: undefined, attributes: undefined },
  // A field LogRecord does not know (yet) must survive: the generic path serializes it.
  { time: T, level: 'trace', msg: 'extra', extra: { kept: 1 } } as unknown as LogRecord,
];

describe('serializeLogRecord', () => {
  it.each(CASES.map((c) => [c.msg.slice(0, 20), c] as const))(
    '%s parses to what JSON.stringify gives',
    (_n, record) => {
      const line = serializeLogRecord(record);
      expect(line).not.toContain('\n');
      expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(record)));
    },
  );

  it('round-trips every record of the bench workload after normalizing', () => {
    const { bodies } = buildWorkload(2, 500, Date.UTC(2026, 10, 25, 12));
    expect(bodies).toHaveLength(2);
    let n = 0;
    for (const body of bodies) {
      for (const text of gunzipSync(body).toString('utf8').split('\n')) {
        if (!text) continue;
        const r = normalizeLine(text, Date.UTC(2026, 10, 25, 12));
        if (!r.ok) throw new Error(r.reason);
        expect(JSON.parse(serializeLogRecord(r.record))).toEqual(JSON.parse(JSON.stringify(r.record)));
        n++;
      }
    }
    expect(n).toBe(1000);
  });
});

describe('BatchSummary time bucketing', () => {
  it('reads the same epoch ms as Date.parse, across minutes, and for times in other shapes', () => {
    const times = [
      '2026-11-25T10:11:12.345Z',
      '2026-11-25T10:11:59.999Z',
      '2026-11-25T10:12:00.000Z',
      '2026-11-25T10:11:00.001Z',
      '1970-01-01T00:00:00.000Z',
      '2026-11-25T10:11:12Z',
      '2026-11-25T12:11:12.345+02:00',
    ];
    const summary = new BatchSummary();
    for (const time of times) summary.add({ time, level: 'info', msg: 'x' }, 10);
    const ms = times.map((t) => Date.parse(t));
    expect(summary.minTime).toBe(Math.min(...ms));
    expect(summary.maxTime).toBe(Math.max(...ms));
    const minutes = new Map<number, number>();
    for (const m of ms) {
      const minute = m - (m % 60_000);
      minutes.set(minute, (minutes.get(minute) ?? 0) + 1);
    }
    expect(new Map([...summary.minutes].map(([k, v]) => [k, v.records]))).toEqual(minutes);
  });
});
