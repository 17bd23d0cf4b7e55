import { type LogRecord, normalizeLine } from '@cloudsage/schema';
import { describe, expect, it } from 'vitest';
import { statusOf } from '../src/score/error-rate.js';
import { durationValue, scanFields } from '../src/score/field-names.js';
import { latencyOf } from '../src/score/latency.js';
import { lcg, score } from './helpers.js';

// A line Online Boutique's Go frontend (logrus) wrote, as Docker's json-file driver stored it: from
// IntelligentDDS/Nezha (MIT), rca_data/2022-08-22/log/05_19_log.csv, during a CPU fault on the currency
// service the frontend calls (5.4 s for a product page).
const BOUTIQUE_FRONTEND =
  '{"log":"{\\"http.req.id\\":\\"16fbfb2d-676c-4d6a-a870-1f1f6d347d5a\\",\\"http.req.method\\":\\"GET\\",\\"http.req.path\\":\\"/product/0PUK6V6EV0\\",\\"http.resp.bytes\\":8289,\\"http.resp.status\\":200,\\"http.resp.took_ms\\":5408,\\"message\\":\\"TraceID: 04c87ec97bae041b1b15b3c7676a43cc SpanID: 989036326b156480 Request complete\\",\\"session\\":\\"af550e4a-e4ca-4331-a7fc-155f1cbc8c47\\",\\"severity\\":\\"info\\",\\"timestamp\\":\\"2022-08-22T05:18:42.996857478Z\\"}\\n","stream":"stdout","time":"2022-08-22T05:18:42.996946509Z"}';

function line(raw: string): LogRecord {
  const r = normalizeLine(raw, Date.parse('2022-08-22T05:18:43Z'));
  if (!r.ok) throw new Error(r.reason);
  return r.record;
}

describe('durations and statuses under other loggers names', () => {
  it('reads the Online Boutique frontend line as stored', () => {
    const r = line(BOUTIQUE_FRONTEND);
    expect(latencyOf(r)).toBe(5408);
    expect(statusOf(r.attributes)).toBe(200);
    expect(statusOf(line(BOUTIQUE_FRONTEND.replace('status\\":200', 'status\\":503')).attributes)).toBe(503);
  });

  it.each([
    [{ 'http.resp.took_ms': 12 }, 12, 0],
    [{ tookMs: 7 }, 7, 0],
    [{ elapsed_time_s: 1.5 }, 1500, 0],
    [{ time_taken: 31 }, 31, 0],
    [{ latency_us: 2500 }, 2.5, 0],
    [{ 'grpc.duration_ns': 4_000_000 }, 4, 0],
    // Elastic's ECS formatters: nested, and event.duration in nanoseconds.
    [{ http: { response: { status_code: 502 } }, event: { duration: 2_500_000 } }, 2.5, 502],
    [{ response: { status: '404' } }, Number.NaN, 404],
    [{ http_status: 500 }, Number.NaN, 500],
    // Python's web servers and structlog; Go's durations written with their unit.
    [{ status_code: 503, 'http.resp.took': '1.5s' }, 1500, 503],
    [{ latency: 'soon', elapsed: '350µs' }, 0.35, 0],
  ])('%j', (attrs, ms, status) => {
    const got = scanFields(attrs);
    if (Number.isNaN(ms)) expect(got.latencyMs).toBeNaN();
    else expect(got.latencyMs).toBeCloseTo(ms, 6);
    expect(got.status).toBe(status);
  });

  it.each([
    [{ 'job.status': 500 }],
    [{ timeout_ms: 3000, retries: 500 }],
    [{ 'http.resp.bytes': 8289 }],
    [{ 'http.resp.status': 'teapot', took: 'soon' }],
    [{ 'http.resp.status': 999 }],
  ])('finds nothing in %j', (attrs) => {
    const got = scanFields(attrs);
    expect(got.latencyMs).toBeNaN();
    expect(got.status).toBe(0);
  });

  it.each([
    ['12ms', 1, 12],
    ['12.5 ms', 1, 12.5],
    ['1.5s', 1, 1500],
    ['350µs', 1, 0.35],
    ['0.350', 1000, 350],
    [2, 1000, 2000],
    ['12abc', 1, Number.NaN],
    [null, 1, Number.NaN],
  ])('durationValue(%j, %d) is %d ms', (v, unit, ms) => {
    const got = durationValue(v, unit);
    if (Number.isNaN(ms)) expect(got).toBeNaN();
    else expect(got).toBeCloseTo(ms, 6);
  });

  it('stops after 48 keys', () => {
    const attrs: Record<string, unknown> = {};
    for (let i = 0; i < 60; i++) attrs[`k${i}`] = i;
    attrs['took_ms'] = 5;
    expect(scanFields(attrs).latencyMs).toBeNaN();
  });

  it('a frontend that turns slow and failing is scored from these fields', () => {
    const rnd = lcg(7);
    const window = (minute: number, slow: boolean): LogRecord[] =>
      Array.from({ length: 240 }, (_, i) => {
        const ms = slow ? 4000 + Math.round(2000 * rnd()) : 15 + Math.round(40 * rnd());
        const status = slow && i % 5 === 0 ? 500 : 200;
        const t = new Date(Date.parse('2022-08-22T05:00:00Z') + minute * 60_000 + i * 250).toISOString();
        return line(
          BOUTIQUE_FRONTEND.replace('took_ms\\":5408', `took_ms\\":${ms}`)
            .replace('status\\":200', `status\\":${status}`)
            .replaceAll('2022-08-22T05:18:42.99', t.slice(0, 22)),
        );
      });
    let b = score(window(0, false), undefined, 0).baseline;
    for (let m = 1; m < 20; m++) b = score(window(m, false), b, m).baseline;
    const calm = score(window(20, false), b, 20);
    expect(calm.labels).toEqual([]);
    const bad = score(window(21, true), b, 21);
    expect(bad.labels).toEqual(expect.arrayContaining(['Latency Spike', 'High Error Rate']));
    expect(bad.score).toBeGreaterThanOrEqual(60);
  });
});
