import { LogRecord, ScoreRequest } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { isValidRecord, parseScoreRequest } from '../src/parse-request.js';

const ok = { time: '2026-03-01T12:00:00.000Z', level: 'info', msg: 'hello' };
const window = { from: '2026-03-01T12:00:00.000Z', to: '2026-03-01T12:01:00.000Z' };

// The fast path must accept exactly what the schema accepts; each case is judged by both.
const cases: unknown[] = [
  ok,
  { ...ok, service: 'api', host: 'h1', traceId: 'abc', spanId: 'def', attributes: { a: 1, b: { c: [1] } } },
  { ...ok, extra: 'kept out of the way' },
  { ...ok, time: '2026-03-01T12:00:00Z' },
  { ...ok, time: '2026-03-01T12:00:00.123456+02:00' },
  { ...ok, time: '2024-02-29T00:00:00Z' },
  { ...ok, time: '2026-02-29T00:00:00Z' },
  { ...ok, time: '2026-03-01 12:00:00Z' },
  { ...ok, time: '2026-03-01T12:00:00' },
  { ...ok, time: '2026-13-01T12:00:00Z' },
  { ...ok, time: 1772366400000 },
  { ...ok, level: 'warning' },
  { ...ok, level: 'toString' },
  { ...ok, level: 'fatal' },
  { ...ok, msg: 42 },
  { ...ok, msg: '' },
  { time: ok.time, level: 'info' },
  { ...ok, service: null },
  { ...ok, host: 5 },
  { ...ok, traceId: undefined },
  { ...ok, attributes: [] },
  { ...ok, attributes: null },
  { ...ok, attributes: 'x' },
  { ...ok, attributes: {} },
  null,
  'a string',
  [ok],
  42,
];

describe('score request validation', () => {
  it.each(cases.map((c) => [JSON.stringify(c), c]))('judges %s as the schema does', (_name, record) => {
    expect(isValidRecord(record)).toBe(LogRecord.safeParse(record).success);
  });

  it('accepts what ScoreRequest accepts and refuses what it refuses, naming the field', () => {
    for (const record of cases) {
      const body = { projectId: 'p1', logs: [ok, record], metadata: { window } };
      const ours = parseScoreRequest(body);
      const schema = ScoreRequest.safeParse(body);
      expect(ours.ok).toBe(schema.success);
      if (!ours.ok && !schema.success) expect(ours.issues[0]!.path).toBe(schema.error.issues[0]!.path.join('.'));
    }
  });

  it('checks the envelope on the fast path too', () => {
    const r = parseScoreRequest({ projectId: '', logs: [ok], metadata: { window: { from: 'x', to: window.to } } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path)).toEqual(['projectId', 'metadata.window.from']);
  });

  it('keeps the records as sent on the fast path', () => {
    const logs = [ok, { ...ok, level: 'error', msg: 'boom' }];
    const r = parseScoreRequest({ projectId: 'p1', logs, metadata: { window, samplingRatio: 0.5 } });
    expect(r.ok && r.data.logs).toEqual(logs);
    expect(r.ok && r.data.metadata.samplingRatio).toBe(0.5);
  });
});
