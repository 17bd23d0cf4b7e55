import { gzipSync } from 'node:zlib';
import { IngestResponse } from '@cloudsage/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { call, createTenant, storedRecords } from './ingest-fixture.js';

/*
 * Records shaped by other systems, through the real ingest route to the stored objects: rows of the
 * Nezha dataset's Online Boutique logs (IntelligentDDS/Nezha, MIT; rca_data/2022-08-22/log/05_19_log.csv)
 * with their CSV columns as keys, the `Log` cell being Docker's json-file line around the service's own
 * JSON record. The recommendation service (Python) writes `severity`, the currency service (Node) pino
 * with `severity`, the frontend (Go, logrus) `http.resp.*` fields (its status and severity changed here to a
 * failing request's); each is named after its Deployment.
 */

function row(time: string, pod: string, trace: string, span: string, app: Record<string, unknown>) {
  return {
    Timestamp: time,
    TimeUnixNano: String(Date.parse(time) * 1e6),
    Node: '33.33.33.155',
    PodName: pod,
    Container: 'server',
    TraceID: trace,
    SpanID: span,
    Log: `${JSON.stringify({ log: `${JSON.stringify(app)}\n`, stream: 'stdout', time })}\n`,
  };
}

const TRACE = '04c87ec97bae041b1b15b3c7676a43cc';
const ROWS = [
  row('2022-08-22T05:18:42.894734Z', 'recommendationservice-6cfdd55578-gfj6q', TRACE, 'e4006dce6700e903', {
    timestamp: '2022-08-22T05:18:42.894734Z',
    severity: 'INFO',
    name: 'recommendationservice-server',
    message: `TraceID: ${TRACE} SpanID: e4006dce6700e903 Query Recommendations`,
  }),
  row('2022-08-22T05:19:32.086301877Z', 'currencyservice-cf787dd48-vpjrd', TRACE, '26dbcf6006d5d308', {
    severity: 'info',
    pid: 1,
    hostname: 'currencyservice-cf787dd48-vpjrd',
    name: 'currencyservice-server',
    message: `TraceID: ${TRACE} SpanID: 26dbcf6006d5d308 Getting currency data`,
    v: 1,
  }),
  row('2022-08-22T05:18:42.996857478Z', 'frontend-579b9bff58-t2dbm', TRACE, '989036326b156480', {
    'http.req.method': 'GET',
    'http.req.path': '/product/0PUK6V6EV0',
    'http.resp.status': 500,
    'http.resp.took_ms': 5408,
    message: `TraceID: ${TRACE} SpanID: 989036326b156480 Request complete`,
    severity: 'error',
    timestamp: '2022-08-22T05:18:42.996857478Z',
  }),
];

describe('records from other systems through POST /api/ingest', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['ndjson', 'json array'])('stores the service records inside Nezha CSV rows (%s)', async (form) => {
    const tenant = await createTenant(t.url);
    const text = form === 'ndjson' ? ROWS.map((r) => JSON.stringify(r)).join('\n') : JSON.stringify(ROWS);
    const res = await call(t.url, 'POST', '/api/ingest', {
      headers: {
        'content-type': form === 'ndjson' ? 'application/x-ndjson' : 'application/json',
        'content-encoding': 'gzip',
        'x-cloudsage-key': tenant.key,
      },
      body: gzipSync(text),
    });
    expect(res.status).toBe(202);
    expect(IngestResponse.parse(res.body)).toMatchObject({ accepted: 3, rejected: 0 });
    const stored = await storedRecords(t.app, tenant.projectId);
    expect(stored.map((r) => [r.time, r.level, r.service, r.traceId, r.msg])).toEqual([
      [
        '2022-08-22T05:18:42.894Z',
        'info',
        'recommendationservice',
        TRACE,
        `TraceID: ${TRACE} SpanID: e4006dce6700e903 Query Recommendations`,
      ],
      [
        '2022-08-22T05:19:32.086Z',
        'info',
        'currencyservice',
        TRACE,
        `TraceID: ${TRACE} SpanID: 26dbcf6006d5d308 Getting currency data`,
      ],
      [
        '2022-08-22T05:18:42.996Z',
        'error',
        'frontend',
        TRACE,
        `TraceID: ${TRACE} SpanID: 989036326b156480 Request complete`,
      ],
    ]);
    expect(stored[2]?.attributes).toMatchObject({
      PodName: 'frontend-579b9bff58-t2dbm',
      'http.resp.status': 500,
      'http.resp.took_ms': 5408,
      stream: 'stdout',
    });
    expect(stored[1]?.host).toBe('currencyservice-cf787dd48-vpjrd');
  });
});
