import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AppError } from '../../errors.js';
import { isPrivateAddress } from './private-address.js';

/** Resolves a host name to every address it has (`dns.lookup` with `all: true` by default; tests inject one). */
export type ResolveHost = (host: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolve: ResolveHost = (host) => dnsLookup(host, { all: true, verbatim: true });

/** A webhook URL checked and pinned: the request must connect to `address`, and only there. */
export interface WebhookTarget {
  url: URL;
  /** The host name as written (brackets stripped); TLS verifies the certificate against it. */
  host: string;
  /** The first checked address; `addresses` holds them all (each one checked). */
  address: string;
  family: 4 | 6;
  addresses: Array<{ address: string; family: 4 | 6 }>;
}

export type TargetCheck = { ok: true; target: WebhookTarget } | { ok: false; reason: string; unresolved?: boolean };

/**
 * Parses, resolves once and checks a webhook URL (docs/deploy.md, "Alert webhooks"). The WHATWG
 * parser first turns every IPv4 spelling (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`) into a
 * dotted quad and IPv6 into its canonical form; every address a name resolves to must be public,
 * else it is refused. The caller connects to the returned `address` (never resolving again), so a
 * DNS answer that changes between check and connect (rebinding) cannot reach a private address.
 * With `allowPrivate` nothing is refused, but the target is still pinned.
 */
export async function checkWebhookTarget(
  raw: string,
  allowPrivate: boolean,
  resolve: ResolveHost = systemResolve,
): Promise<TargetCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'invalid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'not an http(s) URL' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const lower = host.toLowerCase().replace(/\.$/, '');
  // RFC 6761: *.localhost is loopback whatever DNS says.
  if (!allowPrivate && (lower === 'localhost' || lower.endsWith('.localhost'))) {
    return { ok: false, reason: `webhook target ${host} is a private address` };
  }
  let addresses: Array<{ address: string; family: number }>;
  const literal = isIP(host);
  if (literal) addresses = [{ address: host, family: literal }];
  else {
    addresses = await resolve(host).catch(() => []);
    if (addresses.length === 0) return { ok: false, reason: `cannot resolve ${host}`, unresolved: true };
  }
  if (!allowPrivate) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad)
      return { ok: false, reason: `webhook target ${host} is or resolves to a private address (${bad.address})` };
  }
  const checked = addresses.map((a) => ({ address: a.address, family: a.family === 6 ? (6 as const) : (4 as const) }));
  const first = checked[0] as { address: string; family: 4 | 6 };
  return { ok: true, target: { url, host, address: first.address, family: first.family, addresses: checked } };
}

/**
 * The save-time check of `PUT /api/projects/:id`: 400 `invalid_body` when the URL is or resolves
 * to a private address. A name that does not resolve yet is accepted (a receiver may be set up
 * after its URL); the send-time check refuses it until it resolves to a public address.
 */
export async function refuseWebhookTarget(
  url: string,
  allowPrivate: boolean,
  resolve: ResolveHost = systemResolve,
): Promise<void> {
  const checked = await checkWebhookTarget(url, allowPrivate, resolve);
  if (checked.ok || checked.unresolved) return;
  throw new AppError('invalid_body', 'alert.url: webhooks to private addresses are not allowed', {
    details: { field: 'alert.url' },
  });
}

/** Why a webhook URL is refused (undefined when it is allowed); `checkWebhookTarget` without the pin. */
export async function refusePrivateTarget(
  url: string,
  allowPrivate: boolean,
  resolve: ResolveHost = systemResolve,
): Promise<string | undefined> {
  const checked = await checkWebhookTarget(url, allowPrivate, resolve);
  return checked.ok ? undefined : checked.reason;
}
