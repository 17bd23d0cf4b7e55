import { describe, expect, it } from 'vitest';
import { Drain, templateId } from '../src/score/drain.js';
import { maskToken, tokenize } from '../src/score/mask.js';

function mine(lines: string[]): Drain {
  const d = new Drain();
  for (const l of lines) d.add(l, 50);
  return d;
}
function patterns(d: Drain): string[] {
  return d.clusters.map((c) => c.tokens.join(' '));
}

describe('masking', () => {
  it.each([
    ['10.0.0.5:5432', '<IP>:<NUM>'],
    ['1532ms', '<NUM>'],
    ['0x7ffee4b1', '<HEX>'],
    ['3f2a9c1d0e4b5a69', '<HEX>'],
    ['0b9e5a8e-1c2d-4e3f-9a8b-7c6d5e4f3a2b', '<UUID>'],
    ['/api/users/42', '/api/users/<NUM>'],
    ['user=42,', 'user=<NUM>,'],
    ['req-7f3a9', '<ID>'],
    ['2026-03-01', '<NUM>'],
    ['refused', 'refused'],
    ['Sun', '<DATE>'],
    ['[Mon', '[<DATE>'],
    ['Dec', '<DATE>'],
    ['Decimal', 'Decimal'],
    ['sun', 'sun'],
  ])('masks %s as %s', (token, masked) => {
    expect(maskToken(token)).toBe(masked);
  });

  it('reads one error logged on two days as one template', () => {
    const d = mine([
      '[Sun Dec 04 20:47:16 2005] [error] mod_jk child init 1 -2',
      '[Mon Dec 05 11:06:51 2005] [error] mod_jk child init 1 -2',
    ]);
    expect(patterns(d)).toEqual([
      '[<DATE> <DATE> <NUM> <NUM>:<NUM>:<NUM> <NUM>] [error] mod_jk child init <NUM> <NUM>',
    ]);
  });

  it('tokenizes only the first line and bounds the token count', () => {
    expect(tokenize('boom 42\n    at x (y.js:1:2)')).toEqual(['boom', '<NUM>']);
    expect(tokenize('a '.repeat(500)).length).toBe(40);
  });

  it('stays linear on a long hostile token', () => {
    // One huge digit-and-hex token: masking is a single scan (no regex backtracking to blow up).
    expect(tokenize(`x ${'9a'.repeat(50_000)}`)).toEqual(['x', '<HEX>']);
  });
});

describe('Drain templates on real log styles', () => {
  it('pino JSON messages', () => {
    const d = mine([
      'request errored',
      'Connection to 10.0.0.5:5432 refused',
      'Connection to 10.0.3.17:6432 refused',
      'request errored',
    ]);
    expect(patterns(d)).toEqual(['request errored', 'Connection to <IP>:<NUM> refused']);
    expect(d.clusters[1]!.windowCount).toBe(2);
  });

  it('Java/logback lines', () => {
    const d = mine([
      '2026-03-01 12:00:01.123 ERROR [http-nio-8080-exec-3] c.a.i.CacheClient - cache fallback failed for key sku:1234',
      '2026-03-01 12:00:02.456 ERROR [http-nio-8080-exec-7] c.a.i.CacheClient - cache fallback failed for key sku:98',
      '2026-03-01 12:00:03.001 ERROR [main] o.s.b.SpringApplication - Application run failed',
    ]);
    expect(patterns(d)).toContain(
      '<NUM> <NUM>:<NUM>:<NUM> ERROR [<ID>] c.a.i.CacheClient - cache fallback failed for key sku:<NUM>',
    );
    expect(d.clusters).toHaveLength(2);
  });

  it('nginx access lines', () => {
    const d = mine([
      '10.1.2.3 - - [01/Mar/2026:12:00:01 +0000] "GET /api/orders/17 HTTP/1.1" 502 157 "-" "curl/8.5.0"',
      '10.9.8.7 - - [01/Mar/2026:12:00:02 +0000] "GET /api/orders/99812 HTTP/1.1" 502 157 "-" "curl/8.5.0"',
    ]);
    expect(patterns(d)).toEqual([
      '<IP> - - [<NUM>/Mar/<NUM>:<NUM>:<NUM>:<NUM> <NUM>] "GET /api/orders/<NUM> HTTP/<NUM>" <NUM> <NUM> "-" "curl/<NUM>"',
    ]);
  });

  it('syslog lines', () => {
    const d = mine([
      'Mar  1 12:00:01 web-1 sshd[2211]: Failed password for root from 203.0.113.9 port 52144 ssh2',
      'Mar  1 12:00:07 web-1 sshd[2290]: Failed password for admin from 198.51.100.4 port 40012 ssh2',
      'Mar  1 12:00:09 web-1 kernel: Out of memory: Killed process 4123 (node)',
    ]);
    const p = patterns(d);
    expect(p).toHaveLength(2);
    expect(p[0]).toBe(
      '<DATE> <NUM> <NUM>:<NUM>:<NUM> <ID> sshd[<NUM>]: Failed password for <*> from <IP> port <NUM> <ID>',
    );
  });

  it('plain text lines, generalizing differing words to <*> and keeping the id', () => {
    const d = new Drain();
    const first = d.add('payment declined for customer alice', 50);
    const id = first.id;
    d.add('payment declined for customer bob', 50);
    expect(d.clusters).toHaveLength(1);
    expect(first.tokens.join(' ')).toBe('payment declined for customer <*>');
    expect(first.id).toBe(id);
    expect(id).toBe(templateId('payment declined for customer alice'));
  });

  it('keeps different events apart', () => {
    const d = mine(['disk full on /var', 'user logged in', 'cache warmed in 3s', 'disk full on /tmp']);
    expect(patterns(d)).toEqual(['disk full on <*>', 'user logged in', 'cache warmed in <NUM>']);
  });

  it('matches lines to templates seeded from a baseline', () => {
    const d = new Drain();
    d.addKnown({
      id: 'abc',
      pattern: 'Connection to <IP>:<NUM> refused',
      count: 10,
      firstSeen: '2026-03-01T00:00:00.000Z',
      lastSeen: '2026-03-01T00:00:00.000Z',
    });
    const c = d.add('Connection to 10.0.0.1:5432 refused', 50);
    expect(c.id).toBe('abc');
    expect(c.known?.count).toBe(10);
  });
});
