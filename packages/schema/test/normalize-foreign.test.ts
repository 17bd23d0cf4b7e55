import { describe, expect, it } from 'vitest';
import { workloadOf } from '../src/normalize/record-fields.js';
import { ok } from './normalized.js';

// Records shaped by something other than a Node logger: a CSV export turned into objects, .NET and
// CloudWatch field names, a message that holds the app's JSON record.

// One row of the Nezha dataset's Online Boutique logs (IntelligentDDS/Nezha, MIT;
// rca_data/2022-08-22/log/05_19_log.csv), its columns as keys: the `Log` cell is Docker's json-file
// line, which holds the Go frontend's own JSON record.
const BOUTIQUE_ROW = {
  Timestamp: '2022-08-22T05:18:42.996857478Z',
  TimeUnixNano: '1661145522996857478',
  Node: '33.33.33.167',
  PodName: 'frontend-579b9bff58-t2dbm',
  Container: 'server',
  TraceID: '04c87ec97bae041b1b15b3c7676a43cc',
  SpanID: '989036326b156480',
  Log: '{"log":"{\\"http.req.method\\":\\"GET\\",\\"http.req.path\\":\\"/product/0PUK6V6EV0\\",\\"http.resp.bytes\\":8289,\\"http.resp.status\\":200,\\"http.resp.took_ms\\":5408,\\"message\\":\\"TraceID: 04c87ec97bae041b1b15b3c7676a43cc SpanID: 989036326b156480 Request complete\\",\\"severity\\":\\"info\\",\\"timestamp\\":\\"2022-08-22T05:18:42.996857478Z\\"}\\n","stream":"stdout","time":"2022-08-22T05:18:42.996946509Z"}\n',
};

describe('field names in another case', () => {
  it('reads a CSV row of container lines down to the app record, named after its Deployment', () => {
    expect(ok(BOUTIQUE_ROW)).toEqual({
      time: '2022-08-22T05:18:42.996Z',
      level: 'info',
      msg: 'TraceID: 04c87ec97bae041b1b15b3c7676a43cc SpanID: 989036326b156480 Request complete',
      service: 'frontend',
      traceId: '04c87ec97bae041b1b15b3c7676a43cc',
      spanId: '989036326b156480',
      attributes: {
        TimeUnixNano: '1661145522996857478',
        Node: '33.33.33.167',
        PodName: 'frontend-579b9bff58-t2dbm',
        Container: 'server',
        stream: 'stdout',
        'http.req.method': 'GET',
        'http.req.path': '/product/0PUK6V6EV0',
        'http.resp.bytes': 8289,
        'http.resp.status': 200,
        'http.resp.took_ms': 5408,
      },
    });
  });

  it('reads Serilog-style fields without copying them to attributes', () => {
    const rec = ok({
      Timestamp: '2026-06-15T11:00:00Z',
      Level: 'Warning',
      Message: 'Disk 91%',
      MessageTemplate: 'Disk {Pct}',
    });
    expect(rec).toEqual({
      time: '2026-06-15T11:00:00.000Z',
      level: 'warn',
      msg: 'Disk 91%',
      attributes: { MessageTemplate: 'Disk {Pct}' },
    });
  });

  it('does not fold case for a record with an exact time and message', () => {
    const rec = ok({ time: '2026-06-15T11:00:00Z', msg: 'hi', Level: 'error', Service: 'x' });
    expect(rec.level).toBe('info');
    expect(rec.service).toBeUndefined();
    expect(rec.attributes).toEqual({ Level: 'error', Service: 'x' });
  });
});

describe('a message that holds a JSON record', () => {
  it("reads the app's record out of an exported one (CloudWatch-like)", () => {
    const rec = ok({
      timestamp: 1781521200000,
      message: '{"level":"error","msg":"db down","service":"api"}',
      logStream: 'api/7f3',
    });
    expect(rec).toEqual({
      time: '2026-06-15T11:00:00.000Z',
      level: 'error',
      msg: 'db down',
      service: 'api',
      attributes: { logStream: 'api/7f3' },
    });
  });

  it('keeps the JSON text of a record that has its own level', () => {
    expect(ok({ level: 30, time: 1781521200000, msg: '{"a":1}' }).msg).toBe('{"a":1}');
  });

  it("keeps an OpenTelemetry record's own severity and body", () => {
    const rec = ok({ severityNumber: 17, timeUnixNano: '1781521200000000000', body: '{"level":"info","msg":"x"}' });
    expect(rec).toMatchObject({ level: 'error', msg: '{"level":"info","msg":"x"}' });
  });

  it('keeps JSON text that is not a record', () => {
    expect(ok({ time: 1781521200000, msg: '{"a":1}' }).msg).toBe('{"a":1}');
  });

  it('opens two wrappers at most', () => {
    // The app's record has no level and a JSON message: a third wrapper, left as text.
    const app = JSON.stringify({ msg: JSON.stringify({ level: 'error', msg: 'deepest' }), pid: 1 });
    const docker = JSON.stringify({ log: `${app}\n`, stream: 'stdout', time: '2026-06-15T11:00:00Z' });
    const rec = ok({ Timestamp: '2026-06-15T11:00:00Z', Log: docker });
    expect(rec.msg).toBe('{"level":"error","msg":"deepest"}');
    expect(rec.attributes).toMatchObject({ pid: 1, stream: 'stdout' });
    // Two are opened: an export whose message holds a record whose message holds the app's.
    const twice = ok({ Timestamp: '2026-06-15T11:00:00Z', Message: app });
    expect(twice).toMatchObject({ level: 'error', msg: 'deepest', attributes: { pid: 1 } });
  });
});

describe('workloadOf', () => {
  it.each([
    ['ts-order-service-5b67c48447-fj8b7', 'ts-order-service'],
    ['frontend-579b9bff58-t2dbm', 'frontend'],
    ['redis-0', 'redis-0'],
    ['api', 'api'],
  ])('%s -> %s', (pod, name) => {
    expect(workloadOf(pod)).toBe(name);
  });
});
