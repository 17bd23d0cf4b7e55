import type { LogRecord } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { compileSearch, parseSearch } from '../../src/services/logs/log-search.js';

const T = '2026-12-04T10:00:00.000Z';
// Shapes as pino-http, winston and the OTel normalizer store them.
const records: LogRecord[] = [
  {
    time: T,
    level: 'info',
    msg: 'request completed',
    service: 'checkout',
    host: 'web-1',
    attributes: { req: { method: 'GET', url: '/api/cart' }, res: { statusCode: 200 }, responseTime: 12 },
  },
  {
    time: T,
    level: 'error',
    msg: 'connect ECONNREFUSED 127.0.0.1:5432',
    service: 'checkout',
    host: 'web-2',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    attributes: { err: { type: 'Error', code: 'ECONNREFUSED' }, 'http.route': '/api/orders' },
  },
  {
    time: T,
    level: 'warn',
    msg: 'GET /healthcheck took 1200ms',
    service: 'payments',
    attributes: { res: { statusCode: 503 }, responseTime: 1200 },
  },
];

const find = (q: string) => records.filter(compileSearch(parseSearch(q))).map((r) => `${r.service}/${r.level}`);

describe('the logs query grammar', () => {
  it('ANDs words, phrases and field terms, case-insensitively', () => {
    expect(find('')).toHaveLength(3);
    expect(find('service:checkout')).toEqual(['checkout/info', 'checkout/error']);
    expect(find('service:CHECKOUT level:error')).toEqual(['checkout/error']);
    expect(find('"connect econnrefused"')).toEqual(['checkout/error']);
    expect(find('econnrefused 5432')).toEqual(['checkout/error']);
    expect(find('service:check')).toEqual([]); // field values match whole
    expect(find('service:check*')).toEqual(['checkout/info', 'checkout/error']);
  });

  it('negates any term', () => {
    expect(find('-healthcheck')).toEqual(['checkout/info', 'checkout/error']);
    expect(find('-service:checkout')).toEqual(['payments/warn']);
    expect(find('-"request completed" service:checkout')).toEqual(['checkout/error']);
  });

  it('reads attributes by dotted path, flat dotted keys, and the attributes. prefix', () => {
    expect(find('req.method:get')).toEqual(['checkout/info']);
    expect(find('attributes.req.url:/api/*')).toEqual(['checkout/info']);
    expect(find('http.route:/api/orders')).toEqual(['checkout/error']);
    expect(find('err.code:ECONNREFUSED')).toEqual(['checkout/error']);
    expect(find('trace:4bf92f3577b34da6a3ce929d0e0e4736')).toEqual(['checkout/error']);
  });

  it('compares numbers and levels', () => {
    expect(find('res.statusCode:>=500')).toEqual(['payments/warn']);
    expect(find('responseTime:>100')).toEqual(['payments/warn']);
    expect(find('responseTime:<=12')).toEqual(['checkout/info']);
    expect(find('level:>=warn')).toEqual(['checkout/error', 'payments/warn']);
    expect(find('msg:took')).toEqual(['payments/warn']);
  });

  it('refuses malformed queries with a 400 naming q', () => {
    for (const bad of ['"open', 'service:', 'level:loud', 'responseTime:>fast', Array(22).fill('w').join(' ')]) {
      const err = (() => {
        try {
          parseSearch(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err, bad).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('invalid_query');
      expect((err as AppError).details).toEqual({ field: 'q' });
    }
  });
});
