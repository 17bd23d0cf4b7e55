import { describe, expect, it } from 'vitest';
import { normalizeLine } from '../src/index.js';
import { ok, RECEIVED, readLine } from './normalized.js';

// Records a container runtime or a log collector wrote around the app's line, and records that carry no
// level at all: the level comes from the message, the app's own record from inside the wrapper.

describe('records without a level field', () => {
  it.each([
    [
      { time: '2026-06-15T11:00:00Z', message: '2026-06-15 11:00:00.000 ERROR 1 --- [main] c.e.App : db down' },
      'error',
    ],
    [{ msg: 'java.net.ConnectException: Connection refused' }, 'error'],
    [{ msg: 'WARN pool at 90%' }, 'warn'],
    [{ msg: '10.0.0.1 - - "GET /pay HTTP/1.1" 503 12 "-" "curl"' }, 'error'],
    [{ msg: '10.0.0.1 - - "GET /pay HTTP/1.1" 200 12 "-" "curl"' }, 'info'],
    [{ msg: 'order 17 shipped' }, 'info'],
  ])('%j reads as %s', (input, level) => {
    expect(ok(input).level).toBe(level);
  });

  it('keeps a level field it does not know as info, whatever the message says', () => {
    const rec = ok({ msg: 'ERROR in audit trail', level: 'audit' });
    expect(rec.level).toBe('info');
    expect(rec.attributes).toEqual({ 'cloudsage.level': 'audit' });
  });

  it('keeps a stated level over the words', () => {
    expect(ok({ msg: 'retrying after ERROR', level: 'info' }).level).toBe('info');
  });
});

describe("Docker's json-file and Fluent Bit records", () => {
  it('reads a text line inside: its words, the wrapper time, no line ending', () => {
    const rec = ok({
      log: '2026-06-15 13:00:00.000 ERROR 1 --- [nio-8080-exec-1] c.e.Pay : charge failed\n',
      stream: 'stderr',
      time: '2026-06-15T11:00:00.123456789Z',
    });
    expect(rec).toEqual({
      time: '2026-06-15T11:00:00.123Z',
      level: 'error',
      msg: '2026-06-15 13:00:00.000 ERROR 1 --- [nio-8080-exec-1] c.e.Pay : charge failed',
      attributes: { stream: 'stderr' },
    });
  });

  it("reads pino's JSON inside as pino's record", () => {
    const pino = { level: 50, time: Date.parse('2026-06-15T11:00:01Z'), pid: 7, name: 'orders', msg: 'db down' };
    const rec = ok({ log: `${JSON.stringify(pino)}\n`, stream: 'stdout', time: '2026-06-15T11:00:02Z' });
    expect(rec).toEqual({
      time: '2026-06-15T11:00:01.000Z',
      level: 'error',
      msg: 'db down',
      service: 'orders',
      attributes: { stream: 'stdout', pid: 7 },
    });
  });

  it("takes the wrapper's time when the record inside has none", () => {
    const rec = ok({ log: '{"level":"warn","msg":"slow"}', stream: 'stdout', time: '2026-06-15T11:00:02Z' });
    expect(rec.time).toBe('2026-06-15T11:00:02.000Z');
    expect(rec.level).toBe('warn');
  });

  it('names the service after the Kubernetes container and keeps the metadata', () => {
    const kubernetes = { pod_name: 'pay-7d9', namespace_name: 'shop', container_name: 'payments' };
    const rec = ok({ log: 'WARN retry 2\n', stream: 'stdout', time: '2026-06-15T11:00:00Z', kubernetes });
    expect(rec.service).toBe('payments');
    expect(rec.level).toBe('warn');
    expect(rec.attributes).toEqual({ stream: 'stdout', kubernetes });
    // The app's own service name wins.
    const named = ok({ log: '{"service":"pay-api","msg":"x"}', stream: 'stdout', kubernetes });
    expect(named.service).toBe('pay-api');
  });

  it('leaves records that only look alike as they are', () => {
    expect(ok({ log: 'x\n', stream: 'elsewhere' })).toEqual({
      time: RECEIVED.toISOString(),
      level: 'info',
      msg: 'x\n',
      attributes: { stream: 'elsewhere' },
    });
    const own = ok({ message: 'mine', log: 'theirs', stream: 'stdout' });
    expect(own.msg).toBe('mine');
    expect(own.attributes).toEqual({ stream: 'stdout' });
    // A wrapper inside a wrapper is read once: the inner one is an ordinary record.
    const twice = ok({ log: JSON.stringify({ log: 'ERROR deep', stream: 'stdout' }), stream: 'stdout' });
    expect(twice.msg).toBe('ERROR deep');
    expect(twice.level).toBe('error');
  });
});

describe('containerd / CRI-O lines', () => {
  const line = (text: string) => readLine(text, RECEIVED);

  it("reads a text line inside at the runtime's time, with its stream", () => {
    expect(line('2026-06-15T11:00:00.123456789Z stderr F 2026-06-15 13:00:00 ERROR db down')).toEqual({
      time: '2026-06-15T11:00:00.123Z',
      level: 'error',
      msg: '2026-06-15 13:00:00 ERROR db down',
      attributes: { stream: 'stderr' },
    });
  });

  it("reads pino's JSON inside as pino's record, keeping its own time", () => {
    const pino = { level: 40, time: Date.parse('2026-06-15T11:00:01Z'), name: 'orders', msg: 'slow' };
    const rec = line(`2026-06-15T11:00:02+02:00 stdout F ${JSON.stringify(pino)}`);
    expect(rec).toEqual({
      time: '2026-06-15T11:00:01.000Z',
      level: 'warn',
      msg: 'slow',
      service: 'orders',
      attributes: { stream: 'stdout' },
    });
  });

  it('keeps a part line (P) as a record of its own, and other lines as they are', () => {
    expect(line('2026-06-15T11:00:00Z stdout P first half of a long line').msg).toBe('first half of a long line');
    expect(line('2026-06-15T11:00:00Z started on port 80').msg).toBe('2026-06-15T11:00:00Z started on port 80');
  });

  it('rejects a line with nothing after the prefix, as an empty line', () => {
    expect(normalizeLine('2026-06-15T11:00:00Z stdout F ', RECEIVED)).toEqual({ ok: false, reason: 'empty line' });
  });
});
