import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the webhook signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'x-cloudsage-signature';

/**
 * The webhook secret of a project whose alert predates stored secrets (webhook-secret.ts), derived
 * from the server secret. HMAC is one-way, so it reveals nothing of the server secret.
 */
export function alertSecret(serverSecret: string, projectId: string): string {
  return `whsec_${createHmac('sha256', serverSecret).update(`alert:${projectId}`).digest('base64url')}`;
}

/**
 * Signs `<t>.<body>` like Stripe's webhooks do, so a receiver can check both the body and its age.
 *
 * @example
 * const header = signPayload(secret, body, Math.floor(Date.now() / 1000));
 */
export function signPayload(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** Checks a signature header against the body; what a receiver runs (and our tests do). */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  nowSeconds: number,
  toleranceS = 300,
): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || Math.abs(nowSeconds - t) > toleranceS || typeof parts.v1 !== 'string') return false;
  const expected = Buffer.from(signPayload(secret, body, t).split('v1=')[1] as string, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
