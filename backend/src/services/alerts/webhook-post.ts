import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { WebhookTarget } from './webhook-target.js';

/** POSTs a body to a checked target and answers the status; rejects on network errors and timeouts. */
export type WebhookPost = (
  target: WebhookTarget,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
) => Promise<number>;

/**
 * The default WebhookPost: node:http(s) with a `lookup` that only ever answers the addresses that
 * were checked, so the socket goes where the check looked (no second DNS query to rebind). TLS
 * still verifies the certificate against the host name. Redirects are not followed: a 3xx is
 * just a status, which the alerter treats as a refusal.
 */
export const postPinned: WebhookPost = (target, body, headers, timeoutMs) =>
  new Promise((resolve, reject) => {
    const pinned: LookupFunction = (_hostname, options, callback) => {
      // Every answer was checked; offering them all lets Node try the next (Happy Eyeballs) when one refuses.
      if (options.all) callback(null, target.addresses);
      else callback(null, target.address, target.family);
    };
    const { url } = target;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      {
        host: target.host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        signal: AbortSignal.timeout(timeoutMs),
        ...(url.username ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
