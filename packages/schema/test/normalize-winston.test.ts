import { describe, expect, it } from 'vitest';
import winston from 'winston';
import Transport from 'winston-transport';
import { LogRecord, normalizeLine, normalizeRecord } from '../src/index.js';

const RECEIVED = new Date('2030-01-01T00:00:00.000Z');
// triple-beam's MESSAGE: the formatted line winston hands its transports.
const MESSAGE = Symbol.for('message');

type Info = Record<string | symbol, unknown>;

/** A real winston transport that keeps every `info` it is given, as a shipping transport would see it. */
class MemoryTransport extends Transport {
  readonly infos: Info[] = [];
  override log(info: Info, next: () => void): void {
    this.infos.push(info);
    next();
  }
}

function capture(opts: winston.LoggerOptions) {
  const transport = new MemoryTransport();
  const logger = winston.createLogger({ ...opts, transports: [transport] });
  return { logger, infos: transport.infos };
}

function ok(input: unknown) {
  const r = normalizeRecord(input, RECEIVED);
  if (!r.ok) throw new Error(`rejected: ${r.reason}`);
  expect(LogRecord.parse(r.record)).toEqual(r.record);
  return r.record;
}

/** Normalizes the info object and its JSON line; both must agree. */
function both(info: Info) {
  const fromInfo = ok(info);
  const line = info[MESSAGE];
  expect(typeof line).toBe('string');
  const fromLine = normalizeLine(line as string, RECEIVED);
  expect(fromLine.ok && fromLine.record).toEqual(fromInfo);
  return fromInfo;
}

const { combine, timestamp, errors, json, colorize, splat } = winston.format;

describe('winston records', () => {
  it('maps npm levels, message and timestamp', () => {
    const { logger, infos } = capture({ level: 'silly', format: combine(timestamp(), json()) });
    const levels = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
    for (const l of levels) logger.log(l, `at ${l}`);
    expect(infos).toHaveLength(levels.length);
    const got = infos.map((info) => both(info));
    expect(got.map((r) => r.level)).toEqual(['error', 'warn', 'info', 'info', 'debug', 'debug', 'trace']);
    got.forEach((r, i) => {
      expect(r.msg).toBe(`at ${levels[i]}`);
      expect(r.time).toBe(infos[i]?.timestamp);
      expect(r.attributes).toBeUndefined();
    });
  });

  it('maps syslog levels', () => {
    const { logger, infos } = capture({
      levels: winston.config.syslog.levels,
      level: 'debug',
      format: combine(timestamp(), json()),
    });
    const levels = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'];
    for (const l of levels) logger.log(l, l);
    expect(infos.map((info) => both(info).level)).toEqual([
      'fatal',
      'fatal',
      'fatal',
      'error',
      'warn',
      'info',
      'info',
      'debug',
    ]);
  });

  it('strips colorize ANSI codes from the level', () => {
    const { logger, infos } = capture({ format: combine(timestamp(), colorize(), json()) });
    logger.error('red');
    logger.warn('yellow');
    expect(infos[0]?.level).toBe('\u001b[31merror\u001b[39m');
    expect(both(infos[0] as Info).level).toBe('error');
    expect(both(infos[1] as Info).level).toBe('warn');
    expect(both(infos[0] as Info).attributes).toBeUndefined();
  });

  it('keeps the stack from format.errors and the service from defaultMeta', () => {
    const { logger, infos } = capture({
      defaultMeta: { service: 'checkout' },
      format: combine(errors({ stack: true }), timestamp(), json()),
    });
    logger.error(new Error('payment failed', { cause: new Error('gateway timeout') }));
    const r = both(infos[0] as Info);
    expect(r.level).toBe('error');
    expect(r.msg).toBe('payment failed');
    expect(r.service).toBe('checkout');
    expect(r.attributes?.stack).toMatch(/^Error: payment failed\n {4}at /);
  });

  it('keeps an Error given as metadata, with its cause chain', () => {
    const { logger, infos } = capture({ format: combine(timestamp(), json()) });
    const err = new Error('query failed', { cause: new RangeError('pool exhausted') });
    logger.error('db', { err, attempt: 3 });
    const r = ok(infos[0]);
    expect(r.msg).toBe('db');
    expect(r.attributes?.attempt).toBe(3);
    const e = r.attributes?.err as Record<string, unknown>;
    expect(e.type).toBe('Error');
    expect(e.message).toBe('query failed');
    expect(e.stack).toContain('Error: query failed');
    expect(e.cause).toMatchObject({ type: 'RangeError', message: 'pool exhausted' });
  });

  it('keeps splat metadata and interpolates the message', () => {
    const { logger, infos } = capture({ format: combine(splat(), timestamp(), json()) });
    logger.warn('user %s retried %d times', 'ada', 3, { orderId: 'o-1', cart: { items: 2 } });
    const r = both(infos[0] as Info);
    expect(r.msg).toBe('user ada retried 3 times');
    expect(r.attributes).toEqual({ orderId: 'o-1', cart: { items: 2 } });
  });

  it('keeps child logger metadata', () => {
    const { logger, infos } = capture({
      defaultMeta: { service: 'api' },
      format: combine(timestamp(), json()),
    });
    logger.child({ requestId: 'req-9', hostname: 'web-3' }).info('handled', { durationMs: 41 });
    const r = both(infos[0] as Info);
    expect(r).toEqual({
      time: infos[0]?.timestamp,
      level: 'info',
      msg: 'handled',
      service: 'api',
      host: 'web-3',
      attributes: { requestId: 'req-9', durationMs: 41 },
    });
  });

  it('uses the receive time when there is no timestamp format', () => {
    const { logger, infos } = capture({ format: json() });
    logger.info('no time');
    expect(both(infos[0] as Info).time).toBe(RECEIVED.toISOString());
  });

  it('keeps a custom level it does not know, stored as info', () => {
    const { logger, infos } = capture({
      levels: { important: 0, chatter: 1 },
      level: 'chatter',
      format: combine(timestamp(), json()),
    });
    logger.log('important', 'hello');
    const r = both(infos[0] as Info);
    expect(r.level).toBe('info');
    expect(r.attributes).toEqual({ 'cloudsage.level': 'important' });
  });
});
