import { Baseline, type LogRecord } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { EVIDENCE, textEvidence } from '../src/score/evidence.js';
import { latencyOf } from '../src/score/latency.js';
import { poissonZ, surprise } from '../src/score/stats.js';
import { lcg, MINUTE, score, T0 } from './helpers.js';

/** A record stamped `ms` into minute 0 (the helper moves it into the window scored). */
function at(ms: number, level: LogRecord['level'], msg: string, service?: string, attrs?: Record<string, unknown>) {
  const r: LogRecord = { time: new Date(T0 + ms).toISOString(), level, msg };
  if (service !== undefined) r.service = service;
  if (attrs !== undefined) r.attributes = attrs;
  return r;
}

// Real lines of a pino-http service and its dependencies (shapes as express + pino-http and ioredis log them).
const OK = 'request completed';
const REDIS_DOWN = 'connect ECONNREFUSED 127.0.0.1:6379';
const TYPE_ERROR = "TypeError: Cannot read properties of undefined (reading 'price')";

/** One service's healthy minute: `n` requests spread over the minute, `errors` of them failing. */
function service(name: string, n: number, errors: number, seed: number, errorMsg = TYPE_ERROR): LogRecord[] {
  const rnd = lcg(seed);
  const out: LogRecord[] = [];
  for (let i = 0; i < n; i++) {
    const t = Math.floor((i * MINUTE) / n);
    if (i < errors) out.push(at(t, 'error', errorMsg, name, { req: { method: 'GET', url: `/api/${name}/${i}` } }));
    else
      out.push(
        at(t, 'info', OK, name, { res: { statusCode: 200 }, responseTime: Math.round(20 + 20 * rnd()), reqId: i }),
      );
  }
  return out;
}

/** A four-service system: gateway, orders, inventory, payments, each with its own volume. */
function system(seed: number, bad?: { svc: string; errors: number; msg?: string }): LogRecord[] {
  const sizes: Record<string, number> = { gateway: 400, orders: 250, inventory: 200, payments: 60 };
  const rnd = lcg(seed);
  const out: LogRecord[] = [];
  for (const [name, n] of Object.entries(sizes)) {
    // Healthy: an error now and then (0-1 a minute per service).
    const usual = rnd() < 0.3 ? 1 : 0;
    out.push(...service(name, n, bad?.svc === name ? bad.errors : usual, seed * 7 + n, bad?.msg));
  }
  return out;
}

function warmSystem(windows: number): Baseline {
  let b: Baseline | undefined;
  for (let i = 0; i < windows; i++) b = score(system(i + 1), b, i).baseline;
  return b!;
}

describe('the score rises with the evidence', () => {
  it('is monotone in the error count, and one error is more than none', () => {
    let api: Baseline | undefined;
    for (let i = 0; i < 30; i++) api = score(service('api', 500, i % 4 === 0 ? 1 : 0, 50 + i), api, i).baseline;
    const scores = [0, 1, 2, 3, 5, 8, 13, 21].map((k) => score(service('api', 500, k, 5), api, 30).score);
    for (let i = 1; i < scores.length; i++) expect(scores[i]!).toBeGreaterThanOrEqual(scores[i - 1]!);
    expect(scores[1]!).toBeGreaterThan(scores[0]!);
    expect(scores[7]!).toBeGreaterThanOrEqual(60);
  });

  it('without history too: a window with errors never ties a clean one', () => {
    const clean = score(service('api', 400, 0, 3)).score;
    const one = score(service('api', 400, 1, 3)).score;
    const few = score(service('api', 400, 4, 3)).score;
    expect(one).toBeGreaterThan(clean);
    expect(few).toBeGreaterThan(one);
  });

  it('needs strong evidence for High in a new project: 5% errors reads low, 30% high', () => {
    expect(score(service('api', 400, 20, 4)).score).toBeLessThan(30);
    expect(score(service('api', 400, 120, 4)).score).toBeGreaterThanOrEqual(60);
  });

  it('maps surprise without a threshold: z 2 is noise, z 5.2 reads 0.63', () => {
    expect(surprise(2)).toBeLessThan(0.2);
    expect(surprise(5.2)).toBeCloseTo(0.632, 2);
    expect(surprise(0)).toBe(0);
    expect(poissonZ(10, 2)).toBeGreaterThan(poissonZ(9, 2));
  });
});

describe('one service going bad among many', () => {
  const b = warmSystem(30);

  it('is seen and named though the project-wide rate moves little', () => {
    // payments is 7% of the traffic: 12 of its 60 requests fail, 1.3% of the project's lines.
    const r = score(system(77, { svc: 'payments', errors: 12, msg: REDIS_DOWN }), b, 30);
    expect(r.score).toBeGreaterThanOrEqual(60);
    const e = r.explanations.find((x) => x.label === 'High Error Rate')!;
    expect(e.service).toBe('payments');
    expect(e.message).toMatch(/^error rate 20\.0% in payments \(12 of 60 lines\) vs usual/);
  });

  it('sees one slow service by its own p95, and names it', () => {
    // payments' responses take 10x their usual; its 60 of 910 requests barely move the project's p95.
    const logs = system(78).map((r) =>
      r.service === 'payments' && r.attributes?.['responseTime'] !== undefined
        ? { ...r, attributes: { ...r.attributes, responseTime: 300 + (Number(r.attributes['responseTime']) % 7) * 20 } }
        : r,
    );
    const r = score(logs, b, 30);
    const e = r.explanations.find((x) => x.label === 'Latency Spike')!;
    expect(e.service).toBe('payments');
    expect(r.score).toBeGreaterThanOrEqual(60);
  });

  it('does not wake anyone for a p95 of 20 ms at 50 ms (2.5x, but 30 ms)', () => {
    const logs = system(79).map((r) =>
      r.service === 'payments' && r.attributes?.['responseTime'] !== undefined
        ? { ...r, attributes: { ...r.attributes, responseTime: 45 + (Number(r.attributes['responseTime']) % 7) } }
        : r,
    );
    expect(score(logs, b, 30).score).toBeLessThan(30);
  });

  it('keeps a healthy minute of the same system under 30', () => {
    for (let s = 100; s < 110; s++) expect(score(system(s), b, 30).score).toBeLessThan(30);
  });
});

describe('baselines robust to onboarding during an incident', () => {
  it('does not learn an incident as normal, and relearns once healthy', () => {
    let b: Baseline | undefined;
    const incident = (i: number) => service('api', 400, 120, 200 + i);
    const healthy = (i: number) => service('api', 400, i % 3 === 0 ? 1 : 0, 300 + i);
    let minute = 0;
    const during: number[] = [];
    for (let i = 0; i < 15; i++) {
      const r = score(incident(i), b, minute++);
      during.push(r.score);
      b = r.baseline;
    }
    // The 15th minute of the same incident still reads high: it was not learned as the normal.
    expect(during.at(-1)!).toBeGreaterThanOrEqual(60);
    for (let i = 0; i < 15; i++) b = score(healthy(i), b, minute++).baseline;
    expect(b!.signals['errorRate']!.center).toBeLessThan(0.01);
    // The next incident reads high again, and a healthy minute normal.
    expect(score(incident(99), b, minute).score).toBeGreaterThanOrEqual(60);
    expect(score(healthy(99), b, minute).score).toBeLessThan(30);
  });

  it('still learns a service whose normal is 10% harmless errors', () => {
    let b: Baseline | undefined;
    for (let i = 0; i < 40; i++) b = score(service('batch', 300, 30, 400 + i), b, i).baseline;
    expect(score(service('batch', 300, 30, 999), b, 30).score).toBeLessThan(30);
  });

  it('learns a lasting change that alarmed at first, so its alarm does not last forever', () => {
    // A small daemon, clean for 20 minutes, then from a config change every minute holds two error
    // lines of eight (a routine warning logged at error), for good.
    const minute = (i: number) =>
      service('zk', 8, i < 20 ? 0 : 2, 500 + i, 'Unexpected exception causing shutdown while sock still open');
    let b: Baseline | undefined;
    const scores: number[] = [];
    for (let i = 0; i < 120; i++) {
      const r = score(minute(i), b, i);
      scores.push(r.score);
      b = r.baseline;
    }
    expect(scores[20]!).toBeGreaterThanOrEqual(30);
    expect(Math.max(...scores.slice(100))).toBeLessThan(30);
  });

  it('scores a v1 baseline (no effective weights, no template services) as before', () => {
    const v1 = Baseline.parse({
      version: 1,
      updatedAt: '2026-03-01T11:59:00.000Z',
      windows: 240,
      signals: {
        errorRate: { center: 0.002, spread: 0.002, n: 240 },
        volumePerMin: { center: 400, spread: 20, n: 240 },
      },
      templates: [
        {
          id: 'a1',
          pattern: 'TypeError: Cannot read properties of undefined (reading <*>)',
          count: 12,
          firstSeen: '2026-03-01T08:00:00.000Z',
          lastSeen: '2026-03-01T11:00:00.000Z',
          level: 'error',
          rate: 0.05,
        },
      ],
    });
    const ok = score(service('api', 400, 1, 8), v1, 0);
    expect(ok.score).toBeLessThan(30);
    expect(ok.labels).not.toContain('New Error Pattern');
    expect(score(service('api', 400, 60, 8), v1, 0).score).toBeGreaterThanOrEqual(60);
    expect(() => Baseline.parse(ok.baseline)).not.toThrow();
  });
});

describe('templates', () => {
  const b = warmSystem(30);

  it('counts a never-seen error template from its first lines, by its count, and names the service', () => {
    const withNew = (k: number) => {
      const logs = system(55);
      for (let i = 0; i < k; i++)
        logs.push(at(30_000 + i, 'error', `SequelizeConnectionError: too many clients already (pool ${i})`, 'orders'));
      return score(logs, b, 30);
    };
    const one = withNew(1);
    const three = withNew(3);
    const ten = withNew(10);
    expect(one.score).toBeLessThan(30);
    expect(one.score).toBeGreaterThan(score(system(55), b, 30).score);
    expect(three.labels).toContain('New Error Pattern');
    expect(ten.score).toBeGreaterThan(three.score);
    const e = ten.explanations.find((x) => x.label === 'New Error Pattern')!;
    expect(e.service).toBe('orders');
    expect(e.template?.count).toBe(10);
    expect(ten.baseline!.templates.find((t) => t.id === e.template!.id)?.service).toBe('orders');
  });

  it('keeps a baseline the schema accepts whatever the service names', () => {
    const long = 'svc-'.repeat(40);
    const logs = [...system(56), at(1000, 'error', 'boom: something failed', long), at(2000, 'info', OK, `${long}x`)];
    expect(() => Baseline.parse(score(logs, b, 30).baseline)).not.toThrow();
  });
});

describe('evidence read from text when fields are absent', () => {
  it.each([
    ['10.0.0.7 - - [04/Dec/2026:20:41:07 +0000] "GET /api/orders HTTP/1.1" 503 0 "-" "k6/0.49"', EVIDENCE.status5xx],
    ['GET /api/stock/17 502 12.301 ms - 21', EVIDENCE.status5xx],
    [REDIS_DOWN, EVIDENCE.refused],
    ['Error: connect ECONNREFUSED 127.0.0.1:5432', EVIDENCE.refused | EVIDENCE.exception],
    ['upstream request timed out after 3000ms', EVIDENCE.timeout],
    [TYPE_ERROR, EVIDENCE.exception],
    ['java.net.NoRouteToHostException: No route to host', EVIDENCE.exception],
    ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', EVIDENCE.crash],
    ['process.on uncaughtException: boom', EVIDENCE.crash],
  ])('reads %s', (msg, bits) => {
    expect(textEvidence(msg) & bits).toBe(bits);
  });

  it.each([
    'request completed',
    'GET /api/orders 200 3.1 ms - 512',
    'processed 500 items in batch 7',
    '    at Object.<anonymous> (/srv/app/server.js:12:11)',
  ])('finds nothing in %s', (msg) => {
    expect(textEvidence(msg)).toBe(0);
  });

  it('counts info-level access lines with 5xx and refused connections as errors', () => {
    const b = warmSystem(30);
    const logs = system(66);
    for (let i = 0; i < 30; i++) {
      logs.push(at(1000 * i, 'info', `10.0.0.7 - - "POST /api/pay HTTP/1.1" 503 0 "-" "node-fetch"`, 'payments'));
    }
    const r = score(logs, b, 30);
    expect(r.signals['textErrorLines']).toBe(30);
    expect(r.labels).toContain('High Error Rate');
  });

  it('reads Node crash output shipped from stderr as memory pressure', () => {
    const logs = service('api', 300, 0, 9);
    logs.push(at(59_000, 'info', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'));
    const r = score(logs);
    expect(r.labels).toContain('Memory Pressure');
  });

  it.each([
    ['query took 1234ms', 1234],
    ['render finished in 2.3 s', 2300],
  ])('reads the duration in %s', (msg, ms) => {
    expect(latencyOf({ time: new Date(T0).toISOString(), level: 'info', msg })).toBeCloseTo(ms, 5);
  });
});

describe('volume by the records own times', () => {
  const b = warmSystem(30);

  it('does not call an uploaded file of old records a spike, nor learn it as usual', () => {
    const old = Array.from({ length: 20_000 }, (_, i) =>
      at(-3 * 60 * MINUTE + i * 100, 'info', `Dec 10 06:55:46 LabSZ sshd[${24200 + i}]: Invalid user webmaster`),
    );
    const r = score([...system(12), ...old], b, 30);
    expect(r.labels).not.toContain('Volume Spike');
    expect(r.signals['backfillRecords']).toBe(20_000);
    expect(r.baseline!.signals['volumePerMin']!.center).toBeCloseTo(b.signals['volumePerMin']!.center, 0);
  });

  it('does not call a paste after an upload a Volume Drop', () => {
    // A project fed by an upload (all stamped last night), then a paste of 40 lines stamped on arrival.
    let p: Baseline | undefined;
    for (let i = 0; i < 5; i++) {
      const upload = Array.from({ length: 5000 }, (_, j) =>
        at(-12 * 60 * MINUTE + j, 'info', `Dec 10 06:55:46 LabSZ sshd[${j}]: Received disconnect from 10.0.0.${i}`),
      );
      p = score(upload, p, i).baseline;
    }
    const paste = Array.from({ length: 40 }, () => at(5_000, 'info', 'pam_unix(sshd:session): session closed'));
    const r = score(paste, p, 5);
    expect(r.labels).not.toContain('Volume Drop');
    expect(r.score).toBeLessThan(30);
  });

  it('still calls a live service that goes quiet a Volume Drop', () => {
    const quiet = system(13).filter((_, i) => i % 10 === 0);
    expect(score(quiet, b, 30).labels).toContain('Volume Drop');
  });
});

describe('explanations', () => {
  const b = warmSystem(30);

  it('add up to the score shown', () => {
    const logs = system(21, { svc: 'orders', errors: 40, msg: REDIS_DOWN });
    for (let i = 0; i < 6; i++) logs.push(at(40_000 + i, 'error', 'Unhandled rejection: pool is draining', 'orders'));
    const r = score(logs, b, 30);
    expect(r.explanations.length).toBeGreaterThan(1);
    const sum = r.explanations.reduce((s, e) => s + (e.contribution ?? 0), 0);
    expect(sum).toBeCloseTo(r.score, 5);
  });

  it('say "1 line", not "1 lines"', () => {
    const r = score([at(1000, 'error', TYPE_ERROR)]);
    const e = r.explanations.find((x) => x.label === 'High Error Rate')!;
    expect(e.message).toContain('(1 of 1 line)');
  });
});
