import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertSecret, SIGNATURE_HEADER, verifySignature } from '../../src/services/alerts/signature.js';
import { call, manualClock, newProject, signUp } from '../routes/support/client.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/app.js';
import { SQL_DIALECTS } from '../support/sql-stores.js';
import { seedRiskHistory } from './store-fixture.js';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe.each(SQL_DIALECTS)('forecast alert webhook on %s', (dialect) => {
  let t: TestApp;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let arrived: (r: Received) => void = () => {};

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const r = { headers: req.headers, body };
        received.push(r);
        res.end('ok');
        arrived(r);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const clock = manualClock(Date.parse('2026-11-25T12:30:00.000Z'));
    t = await startTestApp({ dialect, now: clock.now, env: { CLOUDSAGE_ALLOW_PRIVATE_WEBHOOKS: '1' } });
  });

  afterAll(async () => {
    await t?.close();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
  });

  it('POSTs a signed forecast.threshold_predicted event when the forecast reaches the threshold', async () => {
    const owner = await signUp(t.url);
    const projectId = await newProject(t.url, owner, 'alerting');
    await seedRiskHistory(t.sql.store.db, projectId, t.app.now());
    const put = await call(t.url, 'PUT', `/api/projects/${projectId}`, {
      auth: { bearer: owner.token },
      json: { alert: { url: receiverUrl, threshold: 50 } },
    });
    expect(put.status).toBe(200);
    const got = new Promise<Received>((r) => {
      arrived = r;
    });
    const forecast = await call(t.url, 'GET', `/api/forecast/${projectId}`, { auth: { bearer: owner.token } });
    expect(forecast.status).toBe(200);
    expect(forecast.body.predicted.high).toBeGreaterThanOrEqual(50);
    const hook = await got;
    const event = JSON.parse(hook.body);
    expect(event).toMatchObject({
      type: 'forecast.threshold_predicted',
      projectId,
      threshold: 50,
      score: forecast.body.predicted.score,
      details: forecast.body.actions,
    });
    expect(event.text).toContain('may reach risk');
    const header = String(hook.headers[SIGNATURE_HEADER]);
    // The secret shown once when the alert was set (issue #22), no longer one derived from the server's.
    const secret = put.body.webhookSecret as string;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(alertSecret(TEST_JWT_SECRET, projectId));
    expect(verifySignature(secret, hook.body, header, Math.floor(t.app.now() / 1000))).toBe(true);
    expect(verifySignature(secret, `${hook.body} `, header, Math.floor(t.app.now() / 1000))).toBe(false);
  });
});
