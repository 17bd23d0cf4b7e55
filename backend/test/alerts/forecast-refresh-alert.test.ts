import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedRiskHistory } from '../forecast/store-fixture.js';
import { call, manualClock, newKey, newProject, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';

// Issue #22: `?refresh=1` remakes the forecast and a read key may ask for it; it must not be a
// way to send webhooks. The day's forecast alert goes out once, however often it is refreshed.
describe('forecast refreshes by a read key', () => {
  let t: TestApp;
  let receiver: Server;
  let receiverUrl = '';
  let hooks = 0;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        hooks++;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const clock = manualClock(Date.parse('2026-11-25T12:30:00.000Z'));
    t = await startTestApp({ now: clock.now, env: { CLOUDSAGE_ALLOW_PRIVATE_WEBHOOKS: '1' } });
  });

  afterAll(async () => {
    await t?.close();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
  });

  it('send at most the one forecast alert of the day', async () => {
    const owner = await signUp(t.url);
    const projectId = await newProject(t.url, owner, 'alerting');
    await seedRiskHistory(t.sql.store.db, projectId, t.app.now());
    const put = await call(t.url, 'PUT', `/api/projects/${projectId}`, {
      auth: { bearer: owner.token },
      json: { alert: { url: receiverUrl, threshold: 50 } },
    });
    expect(put.status).toBe(200);
    const { key } = await newKey(t.url, owner, projectId, ['read']);
    for (let i = 0; i < 5; i++) {
      // The 15-minute throttle must not be what stops them: clear it between refreshes.
      await t.sql.store.db.deleteFrom('leases').where('name', 'like', 'alert:%').execute();
      const r = await call(t.url, 'GET', `/api/forecast/${projectId}?refresh=1`, { auth: { key } });
      expect(r.status).toBe(200);
      expect(r.body.predicted.high).toBeGreaterThanOrEqual(50);
    }
    // Alerts are sent without holding the GET; give the last one time to arrive.
    await new Promise((r) => setTimeout(r, 500));
    expect(hooks).toBe(1);
  });
});
