import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../../src/services/auth/accounts.js';
import { call, PASSWORD, signUp } from '../routes/support/client.js';
import { startTestApp, type TestApp } from '../support/app.js';

// Issue #22: failed logins used to count per account before the password was checked, so 40
// wrong guesses locked the real owner out, and without trustProxy everyone behind one proxy
// shared one address budget.
describe('login limits behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const login = (email: string, password: string, from: string) =>
    call(t.url, 'POST', '/api/auth/login', { json: { email, password }, headers: { 'x-forwarded-for': from } });

  it('40 wrong passwords from one address lock out that address only; the owner elsewhere signs in at once', async () => {
    const owner = await signUp(t.url);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await login(owner.email, `wrong-${i}-password`, '203.0.113.5')).status);
    expect(statuses.slice(0, LOGIN_LIMITS.account.limit).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(LOGIN_LIMITS.account.limit).every((s) => s === 429)).toBe(true);
    // The guessing address stays locked, even with the right password...
    expect((await login(owner.email, PASSWORD, '203.0.113.5')).status).toBe(429);
    // ...while the owner, from another address, is let in.
    const ok = await login(owner.email, PASSWORD, '198.51.100.7');
    expect(ok.status).toBe(200);
    expect(ok.body.user.email).toBe(owner.email);
  });

  it('caps failures per address across accounts, without touching other addresses', async () => {
    const owner = await signUp(t.url);
    for (let i = 0; i < LOGIN_LIMITS.ip.limit; i++) {
      expect((await login(`nobody-${i}@example.com`, 'wrong-password-x', '192.0.2.9')).status).toBe(401);
    }
    expect((await login(owner.email, PASSWORD, '192.0.2.9')).status).toBe(429);
    expect((await login(owner.email, PASSWORD, '192.0.2.10')).status).toBe(200);
  });
});

describe('login limits without TRUST_PROXY', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('ignores X-Forwarded-For, so a guesser cannot pick a fresh address per attempt', async () => {
    const owner = await signUp(t.url);
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_LIMITS.account.limit; i++) {
      const r = await call(t.url, 'POST', '/api/auth/login', {
        json: { email: owner.email, password: 'wrong-password-y' },
        headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
      });
      statuses.push(r.status);
    }
    expect(statuses.at(-1)).toBe(429);
  });
});
