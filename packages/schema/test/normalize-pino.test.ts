import { hostname } from 'node:os';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LogRecord, normalizeLine, normalizeRecord } from '../src/index.js';

const RECEIVED = new Date('2030-01-01T00:00:00.000Z');

/** A pino logger writing into memory: pino accepts any object with a synchronous `write`. */
function capture<L extends string = never>(opts: pino.LoggerOptions<L> = {}) {
  const lines: string[] = [];
  const logger = pino<L>(opts, { write: (s: string) => void lines.push(s) });
  return { logger, lines };
}

/** Normalizes a pino line both ways (parsed object and raw line) and checks they agree. */
function both(line: string) {
  const viaObject = normalizeRecord(JSON.parse(line), RECEIVED);
  const viaLine = normalizeLine(line, RECEIVED);
  if (!viaObject.ok || !viaLine.ok) throw new Error(`rejected: ${JSON.stringify([viaObject, viaLine])}`);
  expect(viaLine.record).toEqual(viaObject.record);
  expect(LogRecord.parse(viaObject.record)).toEqual(viaObject.record);
  return viaObject.record;
}

describe('pino output', () => {
  it('maps every level, the time, msg, host, service and pid', () => {
    const { logger, lines } = capture({ name: 'api', level: 'trace' });
    const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
    for (const l of levels) logger[l](`at ${l}`);
    expect(lines).toHaveLength(6);
    lines.forEach((line, i) => {
      const raw = JSON.parse(line);
      const r = both(line);
      expect(r.level).toBe(levels[i]);
      expect(r.msg).toBe(`at ${levels[i]}`);
      expect(Date.parse(r.time)).toBe(raw.time);
      expect(r.host).toBe(hostname());
      expect(r.service).toBe('api');
      expect(r.attributes).toEqual({ pid: process.pid });
    });
  });

  it('keeps child bindings and merged objects as attributes', () => {
    const { logger, lines } = capture({ name: 'api' });
    const child = logger.child({ reqId: 'req-7', user: { id: 42, roles: ['admin'] } });
    child.info({ responseTime: 12.5, res: { statusCode: 503 } }, 'request completed');
    const r = both(lines[0] as string);
    expect(r.level).toBe('info');
    expect(r.msg).toBe('request completed');
    expect(r.attributes).toEqual({
      pid: process.pid,
      reqId: 'req-7',
      user: { id: 42, roles: ['admin'] },
      responseTime: 12.5,
      res: { statusCode: 503 },
    });
  });

  it('keeps the serialized err with its stack and cause', () => {
    const { logger, lines } = capture({ name: 'api' });
    const cause = new Error('connection refused');
    const err = Object.assign(new Error('query failed', { cause }), { code: 'ECONNREFUSED' });
    logger.error({ err }, 'db down');
    logger.error(err);
    const withMsg = both(lines[0] as string);
    expect(withMsg.level).toBe('error');
    expect(withMsg.msg).toBe('db down');
    const e = withMsg.attributes?.err as Record<string, unknown>;
    expect(e.type).toBe('Error');
    expect(e.code).toBe('ECONNREFUSED');
    expect(e.message).toBe('query failed: connection refused');
    expect(e.stack).toContain('Error: query failed\n    at ');
    expect(e.stack).toContain('caused by: Error: connection refused');
    // logger.error(err) takes the message from the error.
    const bare = both(lines[1] as string);
    expect(bare.msg).toBe('query failed');
    expect(bare.attributes?.err).toEqual(e);
  });

  it('uses err.message when a line has no msg at all', () => {
    const r = normalizeRecord({
      level: 50,
      time: 1767225600000,
      err: { type: 'TypeError', message: 'x is undefined' },
    });
    expect(r.ok && r.record.msg).toBe('x is undefined');
  });

  it('reads custom name, hostname, pid and ISO time', () => {
    const { logger, lines } = capture({
      name: 'billing',
      base: { pid: 1234, hostname: 'web-9' },
      timestamp: pino.stdTimeFunctions.isoTime,
    });
    logger.warn('card declined');
    const raw = JSON.parse(lines[0] as string);
    expect(typeof raw.time).toBe('string');
    const r = both(lines[0] as string);
    expect(r).toEqual({
      time: raw.time,
      level: 'warn',
      msg: 'card declined',
      host: 'web-9',
      service: 'billing',
      attributes: { pid: 1234 },
    });
  });

  it('handles base: null (no pid, no hostname)', () => {
    const { logger, lines } = capture({ base: null });
    logger.info('bare');
    const raw = JSON.parse(lines[0] as string);
    const r = both(lines[0] as string);
    expect(r).toEqual({ time: new Date(raw.time).toISOString(), level: 'info', msg: 'bare' });
  });

  it('handles epoch-seconds and no time at all', () => {
    const secs = capture({ timestamp: pino.stdTimeFunctions.unixTime, base: null });
    secs.logger.info('s');
    const raw = JSON.parse(secs.lines[0] as string);
    expect(Date.parse(both(secs.lines[0] as string).time)).toBe(raw.time * 1000);
    const none = capture({ timestamp: false, base: null });
    none.logger.info('n');
    expect(both(none.lines[0] as string).time).toBe(RECEIVED.toISOString());
  });

  it('maps custom numeric levels to the standard level they reach', () => {
    const { logger, lines } = capture({
      level: 'trace',
      base: null,
      customLevels: { verbose: 15, audit: 35, alarm: 45, critical: 55, doom: 70 },
    });
    logger.verbose('v');
    logger.audit('a');
    logger.alarm('al');
    logger.critical('c');
    logger.doom('d');
    const got = lines.map((l) => both(l));
    expect(got.map((r) => r.level)).toEqual(['trace', 'info', 'warn', 'error', 'fatal']);
    // The original number is kept, since a custom level is not one of the six.
    expect(got.map((r) => r.attributes?.['cloudsage.level'])).toEqual(['15', '35', '45', '55', '70']);
  });

  it('keeps a custom level label written by formatters.level', () => {
    const { logger, lines } = capture({
      base: null,
      customLevels: { audit: 35 },
      formatters: { level: (label) => ({ level: label }) },
    });
    logger.audit('who did what');
    logger.error('labelled error');
    const audit = both(lines[0] as string);
    expect(audit.level).toBe('info');
    expect(audit.attributes).toEqual({ 'cloudsage.level': 'audit' });
    expect(both(lines[1] as string).level).toBe('error');
  });

  it('takes the trace context a mixin stamps', () => {
    const { logger, lines } = capture({
      base: null,
      mixin: () => ({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', trace_flags: '01' }),
    });
    logger.info('traced');
    const r = both(lines[0] as string);
    expect(r.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(r.spanId).toBe('00f067aa0ba902b7');
    expect(r.attributes).toEqual({ trace_flags: '01' });
  });

  it('reads pino lines with CRLF endings and a BOM', () => {
    const { logger, lines } = capture({ base: null });
    logger.error('windows');
    const line = `\uFEFF${(lines[0] as string).trimEnd()}\r\n`;
    const r = normalizeLine(line, RECEIVED);
    expect(r.ok && r.record.level).toBe('error');
    expect(r.ok && r.record.msg).toBe('windows');
  });
});
