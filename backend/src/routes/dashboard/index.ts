import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../errors.js';
import { type Asset, loadAssets } from './asset-table.js';

/** Options of the dashboard routes. */
export interface DashboardRoutesOptions {
  /** The built dashboard (`backend/dashboard/dist`); found next to the backend when not given. */
  root?: string;
}

/**
 * The dashboard's Content-Security-Policy: everything from this origin only, no inline script,
 * no framing (clickjacking), no plugins, and forms and `<base>` pinned down. Styles set through
 * the CSSOM (React `style`, the chart) are not inline styles in CSP's sense, so none are allowed.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  // For browsers that predate frame-ancestors.
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * HSTS, sent when `CLOUDSAGE_SECURE_COOKIES=1` says the dashboard is served over HTTPS: 180 days,
 * subdomains left alone (they may be other services). Not sent otherwise: over plain http a
 * browser ignores it (RFC 6797 §8.1), and a dev setup on http must stay reachable.
 */
export const HSTS = 'max-age=15552000';

// The source tree (src/routes/dashboard/) and the bundle (dist/app.js) sit at different depths.
const CANDIDATES = ['../../../dashboard/dist', '../dashboard/dist'];

function defaultRoot(): string | undefined {
  for (const candidate of CANDIDATES) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}/index.html`)) return dir;
  }
  return undefined;
}

const API_PREFIXES = ['/api/', '/v1/'];
const NOT_BUILT =
  '<!doctype html><meta charset="utf-8"><title>CloudSage</title>' +
  '<p>The dashboard is not built. Run <code>pnpm build</code> at the repository root.</p>';

function send(
  reply: FastifyReply,
  headers: Record<string, string>,
  asset: Asset,
  acceptEncoding: string,
  ifNoneMatch: string | undefined,
) {
  reply.headers(headers);
  reply.header('cache-control', asset.cacheControl);
  reply.header('etag', asset.etag);
  reply.header('content-type', asset.type);
  if (asset.gzip) reply.header('vary', 'accept-encoding');
  if (ifNoneMatch === asset.etag) return reply.status(304).send();
  if (asset.gzip && /\bgzip\b/.test(acceptEncoding)) {
    reply.header('content-encoding', 'gzip');
    return reply.send(asset.gzip);
  }
  return reply.send(asset.body);
}

/**
 * Serves the built dashboard at `/` from memory (see `loadAssets`): hashed assets cached for a
 * year, the HTML revalidated, security headers on every answer, and the SPA fallback (any other
 * GET outside `/api/` and `/v1/` answers index.html, so shared URLs such as `/projects/p_1` load).
 * A path that looks like a file but is not one answers 404 rather than HTML.
 */
export default async function dashboardRoutes(app: FastifyInstance, options: DashboardRoutesOptions): Promise<void> {
  const root = options.root ?? defaultRoot();
  const assets = root === undefined ? new Map<string, Asset>() : loadAssets(root);
  // The route is also mounted alone (tests, without the app's config): no HTTPS is known there.
  const https = app.hasDecorator('config') && app.config.secureCookies;
  const headers = https ? { ...SECURITY_HEADERS, 'strict-transport-security': HSTS } : SECURITY_HEADERS;
  const index = assets.get('/index.html');
  if (!index) app.log.warn({ root }, 'dashboard: no build found; / answers a page saying how to build it');

  // The dashboard's files and its SPA fallback: not part of the API, so not in the OpenAPI document.
  app.get('/*', { config: { auth: 'public', openapi: false } }, async (request, reply) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    if (API_PREFIXES.some((p) => path.startsWith(p))) throw new AppError('not_found', 'route not found');
    let asset = assets.get(path);
    if (!asset) {
      const last = path.slice(path.lastIndexOf('/') + 1);
      if (last.includes('.')) throw new AppError('not_found', 'file not found');
      asset = index;
    }
    if (!asset) {
      reply.headers(headers);
      return reply.status(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    }
    const ifNoneMatch = request.headers['if-none-match'];
    return send(reply, headers, asset, String(request.headers['accept-encoding'] ?? ''), ifNoneMatch);
  });
}
