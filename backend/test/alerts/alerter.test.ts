import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Forecast, RiskPoint } from '@cloudsage/schema';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Alerter } from '../../src/services/alerts/alerter.js';
import { isPrivateAddress } from '../../src/services/alerts/private-address.js';
import { alertSecret, SIGNATURE_HEADER, verifySignature } from '../../src/services/alerts/signature.js';
import { refusePrivateTarget } from '../../src/services/alerts/webhook-target.js';
import { openTestSql, SQL_DIALECTS, seedProjects, type TestSql } from '../support/sql-stores.js';

const SECRET = 'x'.repeat(40);
const T0 = Date.UTC(2026, 0, 1, 12);

/** A local webhook receiver that records what it gets and can fail the first N requests. */
class Receiver {
  readonly got: { headers: IncomingHttpHeaders; body: string }[] = [];
  failFirst = 0;
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        this.got.push({ headers: req.headers, body });
        if (this.failFirst > 0) {
          this.failFirst--;
          res.writeHead(500).end();
        } else res.writeHead(200).end('ok');
      });
    });
    const server = this.#server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.#server?.close(() => r()));
  }
}

function point(id: string, score: number, at: number): RiskPoint {
  return {
    id,
    timestamp: new Date(at).toISOString(),
    score,
    labels: score > 60 ? ['High Error Rate'] : [],
    signals: { errorRate: score / 100 },
    explanations:
      score > 60
        ? [
            {
              label: 'High Error Rate',
              signal: 'errorRate',
              message: `error rate ${score}% vs usual 1%`,
              value: score / 100,
            },
          ]
        : [],
  };
}

describe.each(SQL_DIALECTS)('alert webhooks on %s', (dialect) => {
  let t: TestSql;
  let receiver: Receiver;
  let now = T0;

  beforeEach(async () => {
    t = await openTestSql(dialect);
    receiver = new Receiver();
    await receiver.start();
    now = T0;
    await seedProjects(t.store, T0, [{ id: 'p1', name: 'checkout', alertUrl: receiver.url, alertThreshold: 60 }]);
  });

  afterEach(async () => {
    await receiver.stop();
    await t.dispose();
  });

  const alerter = (allowPrivate = true) =>
    new Alerter({
      db: t.store.db,
      serverSecret: SECRET,
      allowPrivate,
      log: pino({ level: 'silent' }),
      now: () => now,
      retryBaseMs: 5,
    });

  async function store(p: RiskPoint): Promise<RiskPoint> {
    await t.store.db
      .insertInto('risk_history')
      .values({
        id: p.id,
        project_id: 'p1',
        window_start: Date.parse(p.timestamp) - 60_000,
        timestamp: Date.parse(p.timestamp),
        score: p.score,
        labels: JSON.stringify(p.labels),
        signals: JSON.stringify(p.signals),
        explanations: JSON.stringify(p.explanations),
        created_at: now,
      })
      .execute();
    return p;
  }

  it('sends one signed event when the score crosses the threshold, with a Slack-compatible text', async () => {
    await store(point('r0', 20, T0 - 60_000));
    const p = await store(point('r1', 75, T0));
    expect(await alerter().onScore('p1', p)).toBe(true);
    expect(receiver.got).toHaveLength(1);
    const [req] = receiver.got;
    const header = req?.headers[SIGNATURE_HEADER] as string;
    expect(verifySignature(alertSecret(SECRET, 'p1'), req!.body, header, Math.floor(now / 1000))).toBe(true);
    expect(verifySignature(alertSecret(SECRET, 'p2'), req!.body, header, Math.floor(now / 1000))).toBe(false);
    expect(verifySignature(alertSecret(SECRET, 'p1'), `${req!.body} `, header, Math.floor(now / 1000))).toBe(false);
    const body = JSON.parse(req!.body);
    expect(body).toMatchObject({
      type: 'score.threshold_crossed',
      projectId: 'p1',
      score: 75,
      threshold: 60,
      labels: ['High Error Rate'],
    });
    expect(body.text).toContain('checkout risk 75 crossed 60');
    expect(body.details[0]).toContain('error rate 75%');
  });

  it('does not alert below the threshold or while an incident continues', async () => {
    await store(point('r0', 80, T0 - 60_000));
    expect(await alerter().onScore('p1', await store(point('r1', 90, T0)))).toBe(false);
    expect(await alerter().onScore('p1', await store(point('r2', 30, T0 + 60_000)))).toBe(false);
    expect(receiver.got).toHaveLength(0);
  });

  it('sends at most one alert per project per 15 minutes, across alerter instances', async () => {
    await store(point('r0', 10, T0 - 60_000));
    expect(await alerter().onScore('p1', await store(point('r1', 70, T0)))).toBe(true);
    await store(point('r2', 10, T0 + 60_000));
    now = T0 + 120_000;
    expect(await alerter().onScore('p1', await store(point('r3', 70, now)))).toBe(false);
    await store(point('r4', 10, T0 + 180_000));
    now = T0 + 16 * 60_000;
    expect(await alerter().onScore('p1', await store(point('r5', 70, now)))).toBe(true);
    expect(receiver.got).toHaveLength(2);
  });

  it('sends "resolved" once when the score falls back under the threshold after an alert went out', async () => {
    await store(point('r0', 10, T0 - 60_000));
    expect(await alerter().onScore('p1', await store(point('r1', 80, T0)))).toBe(true);
    expect(await alerter().onScore('p1', await store(point('r2', 75, T0 + 60_000)))).toBe(false);
    now = T0 + 120_000; // within the alert's 15-minute slot: "resolved" is not held back by it
    expect(await alerter().onScore('p1', await store(point('r3', 20, now)))).toBe(true);
    expect(await alerter().onScore('p1', await store(point('r4', 10, now + 60_000)))).toBe(false);
    expect(receiver.got.map((g) => JSON.parse(g.body).type)).toEqual(['score.threshold_crossed', 'score.resolved']);
    const resolved = JSON.parse(receiver.got[1]!.body);
    expect(resolved).toMatchObject({ projectId: 'p1', score: 20, threshold: 60 });
    expect(resolved.text).toContain('checkout resolved');
    expect(
      verifySignature(
        alertSecret(SECRET, 'p1'),
        receiver.got[1]!.body,
        receiver.got[1]!.headers[SIGNATURE_HEADER] as string,
        Math.floor(now / 1000),
      ),
    ).toBe(true);
  });

  it('sends no "resolved" for an alert that was held back by the throttle', async () => {
    await store(point('r0', 10, T0 - 60_000));
    expect(await alerter().onScore('p1', await store(point('r1', 70, T0)))).toBe(true);
    expect(await alerter().onScore('p1', await store(point('r2', 10, T0 + 60_000)))).toBe(true);
    now = T0 + 120_000;
    expect(await alerter().onScore('p1', await store(point('r3', 70, now)))).toBe(false);
    expect(await alerter().onScore('p1', await store(point('r4', 10, now + 60_000)))).toBe(false);
    expect(receiver.got.map((g) => JSON.parse(g.body).type)).toEqual(['score.threshold_crossed', 'score.resolved']);
  });

  it('retries a failing receiver with backoff until it accepts', async () => {
    receiver.failFirst = 2;
    await store(point('r0', 10, T0 - 60_000));
    expect(await alerter().onScore('p1', await store(point('r1', 70, T0)))).toBe(true);
    expect(receiver.got).toHaveLength(3);
    // Every retry is the same event, signed afresh.
    expect(new Set(receiver.got.map((g) => JSON.parse(g.body).id)).size).toBe(1);
  });

  it('refuses a private webhook target unless private targets are allowed', async () => {
    await store(point('r0', 10, T0 - 60_000));
    expect(await alerter(false).onScore('p1', await store(point('r1', 70, T0)))).toBe(false);
    expect(receiver.got).toHaveLength(0);
  });

  it('alerts when a forecast predicts the threshold', async () => {
    const forecast = {
      id: 'f1',
      projectId: 'p1',
      date: '2026-01-01',
      text: 'rising',
      actions: ['a', 'b', 'c'],
      predicted: { score: 55, low: 40, high: 68, horizonHours: 24, series: [] },
      basis: { historyPoints: 48, historyDays: 2, method: 'holt', confidence: 'medium', labels: ['Latency Spike'] },
      generatedBy: 'builtin',
      createdAt: new Date(T0).toISOString(),
    } satisfies Forecast;
    expect(await alerter().onForecast('p1', forecast)).toBe(true);
    expect(JSON.parse(receiver.got[0]!.body)).toMatchObject({
      type: 'forecast.threshold_predicted',
      labels: ['Latency Spike'],
    });
  });
});

describe('private address check', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.5.4', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['8.8.8.8', false],
    ['::1', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['2606:4700::1111', false],
    ['not-an-ip', true],
  ])('%s is private: %s', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });

  it('refuses URLs whose host is or resolves to a private address', async () => {
    expect(await refusePrivateTarget('http://127.0.0.1:9/x', false)).toMatch(/private/);
    expect(await refusePrivateTarget('http://localhost/x', false)).toMatch(/private|resolve/);
    expect(await refusePrivateTarget('http://[::1]/x', false)).toMatch(/private/);
    expect(await refusePrivateTarget('http://127.0.0.1:9/x', true)).toBeUndefined();
  });
});
