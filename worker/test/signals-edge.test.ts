import { type LogRecord, MAX_TEMPLATE_PATTERN, normalizeLine, ScoreResponse } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { heapOf } from '../src/score/memory.js';
import { PatternSignal } from '../src/score/patterns.js';
import { healthy, rec, score, warm } from './helpers.js';

const baseline = warm((i) => healthy({ seed: i + 1 }));

/** A normalized record from one raw line, as the backend stores it. */
function line(raw: string): LogRecord {
  const r = normalizeLine(raw, Date.parse('2026-03-01T12:00:00.000Z'));
  if (!r.ok) throw new Error(r.reason);
  return r.record;
}

describe('memory, more readings', () => {
  it.each([
    [{ heapUsed: 150 * 1048576 }, 150],
    [{ heapUsedMb: 95 }, 95],
    [{ rss_mb: 400 }, 400],
    [{ 'jvm.memory.used': 1200 * 1048576 }, 1200],
    [{ memory: { heapUsed: 64 * 1048576 } }, 64],
  ])('reads %j as MB', (attrs, mb) => {
    expect(heapOf(attrs)).toBeCloseTo(mb, 5);
  });

  it('flags a run of GC-pressure messages, not a single one', () => {
    const gc = (n: number) => {
      const logs = healthy({ seed: 30 });
      for (let i = 0; i < n; i++) logs.push(rec('warn', `GC overhead: Mark-Compact ${800 + i}ms, heap 97% of limit`));
      return logs;
    };
    expect(score(gc(1), baseline, 30).labels).toEqual([]);
    const r = score(gc(12), baseline, 30);
    expect(r.labels).toContain('Memory Pressure');
    expect(r.explanations.find((e) => e.label === 'Memory Pressure')!.message).toMatch(/^12 GC-pressure messages/);
  });
});

describe('volume, against a history with peaks', () => {
  // Every fifth window of the history is a 3x traffic peak: the usual rate is wide upward.
  const peaky = warm((i) => healthy({ seed: 100 + i, n: i % 5 === 4 ? 1500 : 500 }), 40);

  it.each([100, 200])('still flags a drop to %i records a minute from about 500', (n) => {
    const r = score(healthy({ seed: 31, n }), peaky, 40);
    expect(r.labels).toContain('Volume Drop');
  });

  it('does not flag another peak of the usual size as more than elevated', () => {
    const r = score(healthy({ seed: 32, n: 1500 }), peaky, 40);
    expect(r.score).toBeLessThan(30);
  });
});

describe('crashes, negative cases', () => {
  it('a cron job whose every run starts a process is not a crash loop once learned', () => {
    const cron = (i: number) => [
      ...healthy({ seed: 200 + i, n: 100 }),
      rec('info', 'Starting job nightly-sync'),
      rec('info', 'starting worker 1'),
      rec('info', 'starting worker 2'),
    ];
    const learned = warm(cron, 20);
    expect(score(cron(99), learned, 20).labels).toEqual([]);
  });

  it('two instances stopped by a deploy (SIGTERM, then a start each) read normal', () => {
    const logs = [...healthy({ seed: 39 })];
    for (let i = 0; i < 2; i++) {
      logs.push(rec('info', 'SIGTERM received, closing server'));
      logs.push(rec('info', 'Server listening on port 3000'));
    }
    expect(score(logs, baseline, 30).score).toBeLessThan(30);
  });

  it('a crash that exits and restarts reads elevated', () => {
    const logs = [
      ...healthy({ seed: 40 }),
      rec('fatal', 'uncaughtException: Error: connect ECONNREFUSED 10.0.0.9:6379'),
      rec('error', 'process exited with code 1'),
      rec('info', 'Server listening on port 3000'),
    ];
    const r = score(logs, baseline, 30);
    expect(r.labels).toContain('Crash Loop');
    expect(r.score).toBeGreaterThanOrEqual(30);
  });

  it('a single crash with its restart reads elevated at most', () => {
    const logs = [
      ...healthy({ seed: 35 }),
      rec('fatal', 'uncaughtException: TypeError: x is not a function'),
      rec('info', 'Server listening on port 3000'),
    ];
    expect(score(logs, baseline, 30).score).toBeLessThan(60);
  });
});

describe('error patterns, more cases', () => {
  it('a new warn-level template counts half of an error-level one', () => {
    const add = (level: 'warn' | 'error') => {
      const logs = healthy({ seed: 36 });
      for (let i = 0; i < 8; i++) logs.push(rec(level, `deprecated option --legacy-peer used by job ${i}`));
      return score(logs, baseline, 30);
    };
    const warnScore = add('warn').score;
    const errorScore = add('error').score;
    expect(errorScore).toBeGreaterThan(warnScore);
    expect(warnScore).toBeLessThan(30);
  });

  it('does not call templates new while the project is young', () => {
    const p = new PatternSignal();
    p.observe(rec('error', 'boom 1'), 50);
    p.observe(rec('error', 'boom 2'), 50);
    p.observe(rec('error', 'boom 3'), 50);
    p.observe(rec('error', 'boom 4'), 50);
    const out = p.evaluate({
      stat: () => undefined,
      windows: 2,
      windowMinutes: 1,
      totalRecords: 4,
      volumeRatio: 1,
      backfillRecords: 0,
      liveSpanMs: 0,
      coverage: 1,
      run: () => 0,
    });
    expect(out.findings).toEqual([]);
    expect(out.signals['activeTemplates']).toBe(1);
  });
});

describe('cold start for a new project', () => {
  it('learns a service with a steady share of harmless warnings in its first windows without flagging it', () => {
    let b = undefined as ReturnType<typeof score>['baseline'];
    const scores: number[] = [];
    for (let i = 0; i < 12; i++) {
      const logs = healthy({ seed: 300 + i });
      for (let k = 0; k < 15; k++) logs.push(rec('warn', `retrying request to inventory (attempt ${1 + (k % 3)})`));
      const r = score(logs, b, i);
      scores.push(r.score);
      b = r.baseline;
    }
    expect(Math.max(...scores)).toBeLessThan(30);
    expect(b!.windows).toBe(12);
    expect(b!.templates.some((t) => t.pattern === 'retrying request to inventory (attempt <NUM>)')).toBe(true);
  });

  it('gives a first window explanations that say there is no history yet', () => {
    const logs = healthy({ seed: 37, errorShare: 0.25 });
    const r = score(logs);
    expect(r.labels).toEqual(expect.arrayContaining(['High Error Rate']));
    expect(r.baseline!.windows).toBe(1);
    expect(r.explanations.find((e) => e.label === 'High Error Rate')!.message).toMatch(/\(no history yet\)$/);
  });
});

describe('records as loggers write them, through the normalizer', () => {
  it('reads latency, status and the template from pino-http JSON lines', () => {
    const raw = (i: number, status: number, ms: number) =>
      JSON.stringify({
        level: status >= 500 ? 50 : 30,
        time: 1772366400000 + i,
        pid: 1,
        hostname: 'api-1',
        req: { id: i, method: 'GET', url: `/api/orders/${i}` },
        res: { statusCode: status },
        responseTime: ms,
        msg: status >= 500 ? 'request errored' : 'request completed',
      });
    const logs = Array.from({ length: 400 }, (_, i) => line(raw(i, i % 4 === 0 ? 503 : 200, 40 + (i % 7))));
    const r = score(logs, baseline, 30);
    expect(r.signals['latencySamples']).toBe(400);
    expect(r.signals['latencyP50Ms']).toBeGreaterThanOrEqual(40);
    expect(r.labels).toContain('High Error Rate');
  });

  it('mines Java stack traces by their first line only', () => {
    const logs = healthy({ seed: 38 });
    for (let i = 0; i < 20; i++) {
      logs.push(
        rec(
          'error',
          `java.lang.IllegalStateException: pool exhausted (active=${50 + i})\n\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:${100 + i})\n\tat com.acme.OrderRepo.find(OrderRepo.java:42)`,
        ),
      );
    }
    const r = score(logs, baseline, 30);
    const e = r.explanations.find((x) => x.label === 'New Error Pattern')!;
    expect(e.template).toMatchObject({
      pattern: 'java.lang.IllegalStateException: pool exhausted (active=<NUM>)',
      count: 20,
    });
  });

  it('reads levels and latency from plain-text lines', () => {
    const logs = [
      line('2026-03-01T12:00:01Z ERROR payment gateway timed out after 3000ms'),
      line('2026-03-01T12:00:02Z INFO order 17 placed'),
    ];
    expect(logs[0]!.level).toBe('error');
    const r = score(logs, undefined, 0);
    expect(r.signals['errorCount']).toBe(1);
  });
});

describe('a template longer than the schema keeps', () => {
  // A real line of loghub's Mac sample (1,038 characters): its template, new after the project's first
  // windows, went into the explanation unclipped, the backend refused the answer, and the project's
  // scores stopped (627 of the sample's 918 windows unscored in `eval:scoring --set public`).
  const CARDDAV =
    'Jul  3 16:36:40 calvisitor-10-105-160-184 AddressBookSourceSync[33594]: [CardDAVPlugin-ERROR] -getPrincipalInfo:[_controller supportsRequestCompressionAtURL:https://13957525385%40163.com@p28-contacts.icloud.com/874161398/principal/] Error Domain=NSURLErrorDomain Code=-1001 "The request timed out." UserInfo={NSUnderlyingError=0x7f9af3646900 {Error Domain=kCFErrorDomainCFNetwork Code=-1001 "The request timed out." UserInfo={NSErrorFailingURLStringKey=https://13957525385%40163.com@p28-contacts.icloud.com/874161398/principal/, NSErrorFailingURLKey=https://13957525385%40163.com@p28-contacts.icloud.com/874161398/principal/, _kCFStreamErrorCodeKey=-2102, _kCFStreamErrorDomainKey=4, NSLocalizedDescription=The request timed out.}}, NSErrorFailingURLStringKey=https://13957525385%40163.com@p28-contacts.icloud.com/874161398/principal/, NSErrorFailingURLKey=https://13957525385%40163.com@p28-contacts.icloud.com/874161398/principal/, _kCFStreamErrorDomainKey=4, _kCFStreamErrorCodeKey=-2102, NSLocalizedDescription=The request timed out.}';

  it('is clipped in the explanation, the message and the baseline, so the answer is valid', () => {
    const logs = healthy({ seed: 40 });
    for (let i = 0; i < 4; i++) logs.push(line(CARDDAV));
    const r = score(logs, baseline, 30);
    const finding = r.explanations.find((e) => e.label === 'New Error Pattern');
    expect(finding?.template?.pattern.length).toBe(MAX_TEMPLATE_PATTERN);
    expect(finding?.template?.pattern.endsWith('...')).toBe(true);
    expect(finding!.message.length).toBeLessThan(MAX_TEMPLATE_PATTERN + 100);
    expect(r.baseline?.templates.every((t) => t.pattern.length <= MAX_TEMPLATE_PATTERN)).toBe(true);
    expect(ScoreResponse.safeParse(r).success).toBe(true);
  });
});
