import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Alerter } from '../../src/services/alerts/alerter.js';
import { call, newProject, signUp } from '../routes/support/client.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/app.js';

/**
 * The receiver's check exactly as docs/deploy.md ("Verifying deliveries") shows it, written out
 * here rather than imported from the backend, so the documented algorithm is what is tested.
 */
function verify(secret: string, rawBody: string, header: string, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=')));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(String(parts.v1), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// Issue #22: deliveries were signed with a secret the owner never saw.
describe('webhook signing secret', () => {
  let t: TestApp;
  let receiver: Server;
  let receiverUrl = '';
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        got.push({ headers: req.headers, body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    t = await startTestApp({ env: { CLOUDSAGE_ALLOW_PRIVATE_WEBHOOKS: '1' } });
  });

  afterAll(async () => {
    await t?.close();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
  });

  const alerter = () =>
    new Alerter({
      db: t.sql.store.db,
      serverSecret: TEST_JWT_SECRET,
      allowPrivate: true,
      log: pino({ level: 'silent' }),
    });

  async function deliver(projectId: string): Promise<{ headers: IncomingHttpHeaders; body: string }> {
    await t.sql.store.db.deleteFrom('leases').execute();
    got.length = 0;
    const at = new Date().toISOString();
    expect(
      await alerter().onScore(projectId, {
        id: `r_${Math.random()}`,
        timestamp: at,
        score: 95,
        labels: [],
        signals: {},
        explanations: [],
      }),
    ).toBe(true);
    return got[0] as { headers: IncomingHttpHeaders; body: string };
  }

  it('is shown once when the alert is set, verifies a real delivery, and rotates', async () => {
    const owner = await signUp(t.url);
    const auth = { bearer: owner.token };
    const id = await newProject(t.url, owner);
    const set = await call(t.url, 'PUT', `/api/projects/${id}`, {
      auth,
      json: { alert: { url: receiverUrl, threshold: 50 } },
    });
    expect(set.status).toBe(200);
    const secret = set.body.webhookSecret as string;
    expect(secret).toMatch(/^whsec_[\w-]{43}$/);
    // Not shown again: not on a later change, not on a read.
    const again = await call(t.url, 'PUT', `/api/projects/${id}`, {
      auth,
      json: { alert: { url: receiverUrl, threshold: 60 } },
    });
    expect(again.body.webhookSecret).toBeUndefined();
    expect((await call(t.url, 'GET', `/api/projects/${id}`, { auth })).text).not.toContain(secret);

    const first = await deliver(id);
    const header = String(first.headers['x-cloudsage-signature']);
    expect(verify(secret, first.body, header)).toBe(true);
    expect(verify(secret, `${first.body} `, header)).toBe(false);

    const rotated = await call(t.url, 'POST', `/api/projects/${id}/webhook-secret`, { auth, json: {} });
    expect(rotated.status).toBe(200);
    const next = rotated.body.webhookSecret as string;
    expect(next).toMatch(/^whsec_/);
    expect(next).not.toBe(secret);
    const second = await deliver(id);
    const header2 = String(second.headers['x-cloudsage-signature']);
    expect(verify(next, second.body, header2)).toBe(true);
    expect(verify(secret, second.body, header2)).toBe(false);
  });

  it('keeps signing an older project (alert set before secrets were stored) with the derived secret', async () => {
    const owner = await signUp(t.url);
    const id = await newProject(t.url, owner);
    await t.sql.store.db
      .updateTable('projects')
      .set({ alert_url: receiverUrl, alert_threshold: 50 })
      .where('id', '=', id)
      .execute();
    const delivery = await deliver(id);
    const derived = `whsec_${createHmac('sha256', TEST_JWT_SECRET).update(`alert:${id}`).digest('base64url')}`;
    expect(verify(derived, delivery.body, String(delivery.headers['x-cloudsage-signature']))).toBe(true);
  });

  it('answers 404 to another user asking for a rotation', async () => {
    const owner = await signUp(t.url);
    const other = await signUp(t.url);
    const id = await newProject(t.url, owner);
    const r = await call(t.url, 'POST', `/api/projects/${id}/webhook-secret`, {
      auth: { bearer: other.token },
      json: {},
    });
    expect(r.status).toBe(404);
  });
});
